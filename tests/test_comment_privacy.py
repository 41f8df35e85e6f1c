"""Commenters' emails and IPs appear nowhere outside the admin."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comment_helpers import _fresh_cache, post_comment  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db

EMAILS = ["first.commenter@example.org", "second.person@example.net", "pending.one@example.com"]
IPS = ["203.0.113.77", "198.51.100.23"]


def public_urls(article, comments):
    urls = [
        "/",
        article.get_absolute_url(),
        article.get_absolute_url() + "?comments_page=2",
        article.get_absolute_url() + f"?replyto={comments[0].pk}",
        article.section.get_absolute_url(),
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/search/?q=council",
        f"/{article.pub_date:%Y}/",
        f"/{article.pub_date:%Y/%m}/",
    ]
    for author in article.authors.all():
        urls.append(author.get_absolute_url())
        urls.append(author.get_absolute_url() + "feed/")
    for tag in article.tags.all():
        urls.append(f"/tag/{tag.slug}/")
        urls.append(f"/tag/{tag.slug}/feed/")
    urls.append(article.section.get_absolute_url() + "feed/")
    return urls


def test_no_email_or_ip_in_any_public_response(client):
    article = ArticleFactory(authors=[AuthorFactory()], tags=["housing"])
    first = CommentFactory(
        article=article, email=EMAILS[0], ip_address=IPS[0], website="https://blog.example"
    )
    CommentFactory(article=article, parent=first, email=EMAILS[1], ip_address=IPS[1])
    CommentFactory(article=article, email=EMAILS[2], status=Comment.Status.PENDING)
    comments = list(Comment.objects.all())

    visitor = Client()
    checked = 0
    for url in public_urls(article, comments):
        response = visitor.get(url)
        if response.status_code == 404:
            continue
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", "replace")
        checked += 1
        for secret in EMAILS + IPS:
            assert secret not in content.lower(), (url, secret)
            assert secret not in str(response.headers), (url, secret)
    assert checked >= 4  # home, story and its variants at least
    story = visitor.get(article.get_absolute_url()).content.decode()
    assert first.name in story  # the scan looked at a page that shows the comments


def test_report_answer_and_error_pages_hold_no_other_commenters_email(client):
    article = ArticleFactory()
    comment = CommentFactory(article=article, email=EMAILS[0])
    response = Client().post(
        reverse("comments:report", args=[comment.pk]), HTTP_ORIGIN="http://testserver", follow=True
    )
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
