"""Commenters' emails and IPs appear nowhere outside the admin."""

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comment_helpers import _fresh_cache, post_comment  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db

EMAILS = ["first.commenter@example.org", "second.person@example.net", "pending.one@example.com"]
IPS = ["203.0.113.77", "198.51.100.23"]


LINK = re.compile(r"""(?:href|src)=["']([^"']+)["']|<loc>([^<]+)</loc>|<link>([^<]+)</link>""")


def seeds(article, comments):
    """Where the crawl starts: every kind of public address that can show the story."""
    year, month, day = f"{article.pub_date:%Y}", f"{article.pub_date:%m}", f"{article.pub_date:%d}"
    story = article.get_absolute_url()
    word = article.headline.split()[0]
    return [
        "/",
        story,
        f"{story}?comments_page=2",
        f"{story}?replyto={comments[0].pk}",
        f"/{year}/",
        f"/{year}/{month}/",
        f"/{year}/{month}/{day}/",
        f"/search/?q={word}",
        f"/search/?q={comments[0].name}",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
    ]


def local_path(url, base="/"):
    """The path (and query) of a link to this site that a reader or a crawler could follow."""
    parts = urlsplit(urljoin(f"http://testserver{base}", html.unescape(url.strip())))
    own = ("", "testserver", urlsplit(settings.SITE_URL).netloc)  # feeds use SITE_URL
    if parts.scheme not in ("", "http", "https") or parts.netloc not in own:
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith(
        ("/admin/", "/static/", "/media/", "/comments/")
    ):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def crawl(client, start, limit=300):
    """Every public response reachable from `start` by links, feeds and sitemaps: {url: text}."""
    seen, queue, pages = set(start), list(start), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code in (301, 302):
            target = local_path(response["Location"], url)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if response.status_code != 200:
            continue
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", "replace")
        pages[url] = (content, str(response.headers))
        for match in LINK.finditer(content):
            target = local_path(next(group for group in match.groups() if group), url)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


def test_no_email_or_ip_in_any_public_response(client):
    article = ArticleFactory(
        headline="Harbour council votes on the ferry", authors=[AuthorFactory()], tags=["housing"]
    )
    first = CommentFactory(
        article=article,
        name="Ferry Watcher",
        email=EMAILS[0],
        ip_address=IPS[0],
        website="https://blog.example",
    )
    CommentFactory(article=article, parent=first, email=EMAILS[1], ip_address=IPS[1])
    CommentFactory(article=article, email=EMAILS[2], status=Comment.Status.PENDING)
    comments = list(Comment.objects.all())

    pages = crawl(Client(), seeds(article, comments))
    for url, (content, headers) in pages.items():
        for secret in EMAILS + IPS:
            assert secret not in content.lower(), (url, secret)
            assert secret not in headers, (url, secret)

    # The crawl reached every kind of public response that shows or lists the story.
    story = article.get_absolute_url()
    assert first.name in pages[story][0] and "application/ld+json" in pages[story][0]
    expected = [
        "/",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        f"/search/?q={article.headline.split()[0]}",
        article.section.get_absolute_url(),
        article.section.get_absolute_url() + "feed/",
        article.authors.get().get_absolute_url(),
        article.authors.get().get_absolute_url() + "feed/",
        "/tag/housing/",
        "/tag/housing/feed/",
    ]
    for url in expected:
        assert url in pages, url
    assert story in pages[f"/search/?q={article.headline.split()[0]}"][0]
    assert any(url.startswith("/sitemap-") for url in pages), sorted(pages)


def test_report_answer_and_error_pages_hold_no_other_commenters_email(client):
    article = ArticleFactory()
    comment = CommentFactory(article=article, email=EMAILS[0])
    response = Client().post(
        reverse("comments:report", args=[comment.pk]), HTTP_ORIGIN="http://testserver", follow=True
    )
    # The report was taken and its answer drawn: only then is the email's absence evidence.
    assert response.redirect_chain and response.status_code == 200
    assert "A moderator will look at this comment." in response.content.decode()
    assert EMAILS[0] not in response.content.decode()
    response = post_comment(client, article, name="", email="me@example.org")
    assert response.status_code == 400
    assert EMAILS[0] not in response.content.decode()


def test_author_sees_own_pending_comment_without_email(client):
    article = ArticleFactory()
    post_comment(client, article, email="secret.author@example.org")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation" in page
    assert "secret.author@example.org" not in page
