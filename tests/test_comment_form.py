"""Every way a comment can be refused: the reason is shown, and the reader's text survives."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.forms import make_token
from comments.models import Comment
from tests.comment_helpers import (  # noqa: F401
    BROWSER_UA,
    SAME_ORIGIN,
    _fresh_cache,
    form_data,
    post_comment,
)
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

BLNS = json.loads((Path(__file__).parent / "data" / "blns.json").read_text())
# Markup the comment block and form pages draw themselves; anything else would be injected.
PAGE_TAGS = {
    "h1", "h2", "h3", "li", "article", "header", "strong", "time", "div", "p", "br", "footer",
    "a", "form", "input", "button", "ol", "ul", "em", "span", "label", "textarea", "small",
}  # fmt: skip
BODY = "I was at the meeting: keep this text, please."


@pytest.fixture
def article():
    return ArticleFactory()


def refused(response, field_error=None, existing=0):
    """A refused post: 400, the text kept in the textarea, and the reason next to the field."""
    html = response.content.decode()
    assert response.status_code == 400
    assert BODY.replace(":", ":") in html
    assert Comment.objects.count() == existing
    if field_error:
        assert field_error in html
    return html


@pytest.mark.parametrize("field", ["name", "email"])
def test_missing_required_field(client, article, field):
    html = refused(post_comment(client, article, body=BODY, **{field: ""}))
    assert "This field is required." in html


def test_missing_body(client, article):
    response = post_comment(client, article, body="   ", name="Kept Name")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert 'value="Kept Name"' in html


def test_error_sits_next_to_its_field(client, article):
    html = refused(post_comment(client, article, body=BODY, email="not-an-email"))
    assert 'id="error_1_id_email"' in html
    assert "Enter a valid email address." in html
    assert 'value="not-an-email"' in html
    assert 'value="Ada Reader"' in html


def test_body_over_3000_characters(client, article):
    body = BODY + "x" * (3001 - len(BODY))
    response = post_comment(client, article, body=body)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Comments can be 3,000 characters at most; yours has 3,001." in html
    assert body in html
    assert Comment.objects.count() == 0


def test_body_of_exactly_3000_characters_is_taken(client, article):
    assert post_comment(client, article, body="y" * 3000).status_code == 302


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi", "ftp://example.org/x"],
)
def test_website_must_be_http_or_https(client, article, website):
    refused(
        post_comment(client, article, body=BODY, website=website),
        "Enter a web address starting with http:// or https://.",
    )


def test_website_without_scheme_gets_https(client, article):
    post_comment(client, article, website="example.org")
    assert Comment.objects.get().website == "https://example.org"


def test_honeypot_is_silently_spam(client, article):
    response = post_comment(client, article, phone_number="+1 555 0100")
    assert response.status_code == 302
    assert response["Location"].endswith("#comments")
    assert Comment.objects.get().status == Comment.Status.SPAM
    # The bot sees the same answer as a held comment.
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation" in page


def test_too_fast(client, article, clock, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    token = make_token(article)
    clock.advance(2.9)
    html = refused(
        post_comment(client, article, body=BODY, token=token),
        "That was faster than anyone can type.",
    )
    assert "Please check your comment and send it again." in html


def test_expired_timestamp(client, article, clock, settings):
    settings.COMMENTS_MAX_AGE_SECONDS = 2 * 3600
    token = make_token(article)
    clock.advance(2 * 3600 + 1)
    refused(
        post_comment(client, article, body=BODY, token=token),
        "This form was opened more than two hours ago.",
    )


@pytest.mark.parametrize("seconds", [3, 2 * 3600])
def test_a_form_sent_within_the_limits_is_taken(client, article, clock, settings, seconds):
    """The edges of the window: MIN_SECONDS after drawing, and MAX_AGE_SECONDS after."""
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_MAX_AGE_SECONDS = 2 * 3600
    token = make_token(article)
    clock.advance(seconds)
    assert post_comment(client, article, body=BODY, token=token).status_code == 302
    assert Comment.objects.get().body == BODY


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "This field is required."),
        ("garbage", "This form could not be checked. Please send your comment again."),
        ("1:2:3", "This form could not be checked. Please send your comment again."),
    ],
)
def test_tampered_timestamp(client, article, token, message):
    refused(post_comment(client, article, body=BODY, token=token), message)


def test_timestamp_of_another_story(client, article, clock):
    other = ArticleFactory()
    refused(
        post_comment(client, article, body=BODY, token=make_token(other, now=clock() - 60)),
        "This form belongs to another story.",
    )


def test_refused_form_gets_a_fresh_usable_timestamp(client, article, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    response = post_comment(client, article, body=BODY, email="bad")
    token = response.context["form"].data["token"]
    assert post_comment(client, article, body=BODY, token=token).status_code == 302


def test_duplicate(client, article):
    assert post_comment(client, article, body=BODY).status_code == 302
    response = post_comment(client, article, body=BODY)
    assert response.status_code == 400
    assert "You have already posted this comment on this story." in response.content.decode()
    assert Comment.objects.count() == 1


def test_closed_by_switch(client):
    article = ArticleFactory(comments_enabled=False)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed for this story." in page
    assert "Post your comments" not in page
    response = post_comment(client, article, body=BODY + " <script>x()</script>")
    assert response.status_code == 403
    assert Comment.objects.count() == 0
    # The reader's words come back (inert), so a comment typed as the story closed is not lost.
    html = response.content.decode()
    assert "Comments are closed" in html
    assert f"{BODY} &lt;script&gt;x()&lt;/script&gt;</textarea>" in html


def test_story_pulled_while_the_reader_typed_gives_the_comment_back(client):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    response = post_comment(client, article, body=BODY + " <b>mine</b>")
    assert response.status_code == 404
    assert Comment.objects.count() == 0
    html = response.content.decode()
    assert "This story is no longer available" in html
    assert f"{BODY} &lt;b&gt;mine&lt;/b&gt;</textarea>" in html


@pytest.mark.parametrize(("days", "is_open"), [(13, True), (15, False)])
def test_closed_after_fourteen_days(client, days, is_open):
    article = ArticleFactory(publish_at=timezone.now() - timezone.timedelta(days=days))
    page = client.get(article.get_absolute_url()).content.decode()
    assert ("Post your comments" in page) is is_open
    assert (post_comment(client, article).status_code == 302) is is_open


def test_unknown_or_unpublished_story(client):
    draft = ArticleFactory(status="draft", publish_at=None)
    assert post_comment(client, draft).status_code == 404
    url = reverse("comments:post", kwargs={"article_id": 999999})
    assert client.post(url, {}, HTTP_ORIGIN=SAME_ORIGIN).status_code == 404


def test_reply_to_a_comment_of_another_story_is_refused(client, article):
    elsewhere = CommentFactory()
    response = post_comment(client, article, body=BODY, parent=str(elsewhere.pk))
    refused(response, "The comment you are replying to is not on this story.", existing=1)


def test_reply_beyond_max_depth_is_refused(client, article):
    top = CommentFactory(article=article)
    second = CommentFactory(article=article, parent=top)
    third = CommentFactory(article=article, parent=second)
    response = post_comment(client, article, body=BODY, parent=str(third.pk))
    assert response.status_code == 400
    assert "This conversation cannot go any deeper." in response.content.decode()


def test_the_models_own_rules_run_on_the_public_form(client, article, monkeypatch):
    """One rule, in Comment.clean(): the public form runs the model's validation, no copy."""
    from django.core.exceptions import ValidationError

    def model_rule(comment):
        if comment.article_id == article.pk and "forbidden" in comment.body:
            raise ValidationError({"body": "The model refuses this one."})

    monkeypatch.setattr(Comment, "clean", model_rule)
    response = post_comment(client, article, body="A forbidden word.")
    assert response.status_code == 400
    assert "The model refuses this one." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/story/"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
    ],
)
def test_cross_site_posts_are_refused(article, headers):
    """The CSRF defence of the cacheable story page: the browser's Origin (or Referer)."""
    csrf_client = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    response = csrf_client.post(url, form_data(article), HTTP_USER_AGENT=BROWSER_UA, **headers)
    assert response.status_code == 403
    assert "did not come from a page of" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": SAME_ORIGIN}, {"HTTP_REFERER": f"{SAME_ORIGIN}/2026/01/01/story/"}],
)
def test_same_origin_posts_need_no_cookie_token(article, headers):
    csrf_client = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    response = csrf_client.post(url, form_data(article), HTTP_USER_AGENT=BROWSER_UA, **headers)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def form_token(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_story_page_with_open_comments_stays_publicly_cacheable(
    client, article, settings, monkeypatch, clock
):
    # 1_800_000_000 starts a stamp period: no turnover in between.
    monkeypatch.setattr("newsroom.http.time", SimpleNamespace(time=clock))
    response = client.get(article.get_absolute_url())
    assert "Post your comments" in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert response["Cache-Control"] == (
        f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}, s-maxage={settings.SHARED_CACHE_MAX_AGE}"
    )
    # The form stamp changes with every render; the ETag does not.
    clock.advance(5)
    again = client.get(article.get_absolute_url())
    assert form_token(again) != form_token(response)
    assert again["ETag"] == response["ETag"]
    revalidated = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert revalidated.status_code == 304


def test_a_reader_with_a_remembered_name_gets_a_private_page(client, article):
    response = post_comment(client, article, remember="on")
    assert response.status_code == 302
    client.cookies.pop("sessionid", None)
    page = client.get(article.get_absolute_url())
    assert 'value="Ada Reader"' in page.content.decode()
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]


def test_a_reader_with_a_pending_comment_gets_a_private_page(client, article):
    post_comment(client, article)
    client.get(article.get_absolute_url())  # the flash message is shown and spent
    page = client.get(article.get_absolute_url())
    assert "Your comment is awaiting moderation" in page.content.decode()
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]


def test_sixth_post_in_a_minute_gets_429_and_keeps_the_text(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = 5
    for n in range(5):
        assert post_comment(client, article, body=f"Comment {n}").status_code == 302
    response = post_comment(client, article, body=BODY, name="Sixth Poster")
    assert response.status_code == 429
    html = response.content.decode()
    assert BODY in html
    assert 'value="Sixth Poster"' in html
    assert "Too many comments at once" in html
    assert Comment.objects.count() == 5


def test_rate_limit_is_per_ip(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    assert post_comment(client, article, body="one").status_code == 302
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    other = Client(REMOTE_ADDR="198.51.100.9")
    data = form_data(article, body="two")
    assert other.post(url, data, HTTP_ORIGIN=SAME_ORIGIN).status_code == 302


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html, allowed_tags):
    """Only the page's own markup: no foreign tags, no event handlers, no script URLs."""
    collector = TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag in allowed_tags, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "action", "formaction"}:
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)


@pytest.fixture
def open_settings(settings):
    settings.COMMENTS_RATE_LIMIT = 0
    settings.COMMENTS_DUPLICATE_CHECK = False
    settings.COMMENTS_PER_PAGE = 1000
    settings.COMMENTS_PREMODERATE = False
    settings.COMMENTS_HOLD_LINKS = 0
    return settings


def test_naughty_strings_as_names_and_bodies_are_rendered_inert(client, article, open_settings):
    baseline = client.get(article.get_absolute_url()).content.decode()
    base_tags = {tag for tag, _attrs in _tags(baseline)}
    taken = 0
    for text in BLNS:
        if not text.strip():
            continue
        response = post_comment(client, article, name=text[:80], body=text, email="n@example.org")
        assert response.status_code in (302, 400), text
        if response.status_code == 400:
            assert_inert(response.content.decode(), base_tags | PAGE_TAGS)
        else:
            taken += 1
    assert taken > 400
    assert Comment.objects.visible().count() == taken
    html = client.get(article.get_absolute_url()).content.decode()
    assert_inert(
        html,
        base_tags | PAGE_TAGS,
    )
    assert "<script>alert(123)</script>" not in html
    assert "&lt;script&gt;alert(123)&lt;/script&gt;" in html


def test_naughty_strings_as_websites_are_refused_or_inert(client, article, open_settings):
    base_tags = {
        tag for tag, _attrs in _tags(client.get(article.get_absolute_url()).content.decode())
    }
    for n, text in enumerate(BLNS):
        response = post_comment(client, article, website=text, body=f"Website test {n}")
        assert response.status_code in (302, 400), text
        assert_inert(response.content.decode(), base_tags | PAGE_TAGS)
    for comment in Comment.objects.exclude(website=""):
        assert comment.website.startswith(("http://", "https://"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert_inert(
        html,
        base_tags | PAGE_TAGS,
    )


def _tags(html):
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def test_bad_website_is_explained_once(client, article):
    html = refused(post_comment(client, article, body=BODY, website="javascript:alert(1)"))
    assert html.count("Enter a web address starting with http:// or https://.") == 1


def test_a_revalidated_story_page_never_hands_out_an_expired_stamp(
    client, article, settings, monkeypatch, clock
):
    """The stamp is out of the ETag, but the ETag turns over: a 304 chain ends before it expires."""
    settings.COMMENTS_MAX_AGE_SECONDS = 2 * 60 * 60
    # The page's validators and the form's stamp read one clock.
    monkeypatch.setattr("newsroom.http.time", SimpleNamespace(time=clock))
    first = client.get(article.get_absolute_url())

    clock.advance(60)  # a minute later: same page, the cache may keep its copy
    assert (
        client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )

    clock.advance(60 * 60)  # an hour later: a new page with a fresh stamp
    fresh = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    token = form_token(fresh)

    # The stamp a reader gets can always still be sent an hour later.
    clock.advance(60 * 60 - 1)
    response = post_comment(client, article, body=BODY, token=token)
    assert response.status_code == 302
    assert Comment.objects.get().body == BODY


@pytest.mark.parametrize(
    ("make_response", "status"),
    [
        pytest.param(
            lambda client, article: post_comment(client, article, name=""), 400, id="400"
        ),
        pytest.param(
            lambda client, article: Client().post(
                reverse("comments:post", kwargs={"article_id": article.pk}), form_data(article)
            ),
            403,
            id="403",
        ),
    ],
)
def test_answers_to_a_post_are_never_stored_by_caches(client, article, make_response, status):
    response = make_response(client, article)
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_429_page_holding_the_readers_email_is_never_stored(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    post_comment(client, article, body="first")
    response = post_comment(client, article, body=BODY, email="kept@example.org")
    assert response.status_code == 429
    assert 'value="kept@example.org"' in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_pending_comment_on_another_story_keeps_this_story_public(client, article):
    other = ArticleFactory()
    post_comment(client, other)
    client.get(other.get_absolute_url())  # the flash message is shown and spent
    assert "private" in client.get(other.get_absolute_url())["Cache-Control"]
    page = client.get(article.get_absolute_url())
    assert "awaiting moderation" not in page.content.decode()
    assert page["Cache-Control"].startswith("public")


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("198.51.100.7", 1, "198.51.100.7"),
        # The client sent its own X-Forwarded-For; our proxy appended the real address.
        ("10.9.9.9, 198.51.100.7", 1, "198.51.100.7"),
        ("10.9.9.9, 198.51.100.7, 203.0.113.5", 2, "198.51.100.7"),
        ("not-an-address", 1, None),
    ],
)
def test_client_ip_behind_proxies_is_the_one_the_proxy_saw(
    settings, rf, forwarded, proxies, expected
):
    from comments.ratelimit import client_ip

    settings.COMMENTS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.COMMENTS_PROXY_COUNT = proxies
    assert client_ip(rf.post("/", HTTP_X_FORWARDED_FOR=forwarded)) == expected


def test_a_forged_forwarded_header_does_not_escape_the_rate_limit(client, article, settings):
    settings.COMMENTS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.COMMENTS_RATE_LIMIT = 1
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    statuses = [
        client.post(
            url,
            form_data(article, body=f"Attempt {n}"),
            HTTP_ORIGIN=SAME_ORIGIN,
            HTTP_USER_AGENT=BROWSER_UA,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.7",
        ).status_code
        for n in range(2)
    ]
    assert statuses == [302, 429]
    assert Comment.objects.get().ip_address == "198.51.100.7"


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        ("https://www.news.example", True),
        ("https://news.example", True),
        ("https://amp.news.example", True),
        ("http://www.news.example", False),
        ("https://evilnews.example", False),
        ("https://news.example.evil", False),
    ],
)
def test_trusted_origins_with_wildcards_as_django_reads_them(article, settings, origin, accepted):
    settings.CSRF_TRUSTED_ORIGINS = ["https://news.example", "https://*.news.example"]
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    response = Client().post(
        url, form_data(article), HTTP_ORIGIN=origin, HTTP_USER_AGENT=BROWSER_UA
    )
    assert response.status_code == (302 if accepted else 403)
