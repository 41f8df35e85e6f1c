import gzip
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import parse_http_date

from articles.models import Article
from comments.models import Comment
from comments.moderation import approve, reject
from newsroom.http import VOLATILE_PERIOD, is_personal
from tests import fresh
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, SectionFactory
from tests.reader_data import staff_user

pytestmark = pytest.mark.django_db

PUBLIC = (
    f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}, s-maxage={settings.SHARED_CACHE_MAX_AGE}"
)


@pytest.fixture(autouse=True)
def _one_volatile_period(monkeypatch):
    """Pages with a comment form renew their validators every hour: keep each test in one."""
    frozen = time.time()
    monkeypatch.setattr("newsroom.http.time", SimpleNamespace(time=lambda: frozen))


@pytest.fixture
def urls():
    section = SectionFactory(slug="politics")
    author = AuthorFactory(slug="ann")
    story = ArticleFactory(section=section, authors=[author], tags=["housing"])
    return [
        story.get_absolute_url(),
        "/",
        "/section/politics/",
        "/tag/housing/",
        "/author/ann/",
        f"/{story.pub_date:%Y/%m}/",
        "/search/?q=council",
        "/feed/",
        "/feed/atom/",
        "/section/politics/feed/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
    ]


def test_anonymous_pages_are_public_with_validators(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PUBLIC, url
        assert response["ETag"], url
        assert "Cookie" in response["Vary"], url
    for url in urls[:8]:
        assert client.get(url).has_header("Last-Modified"), url


def test_conditional_requests_get_304(client, urls):
    for url in urls:
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == PUBLIC
        if first.has_header("Last-Modified"):
            since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
            assert since.status_code == 304, url
    assert client.get(urls[0], HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_shared_caches_get_a_lifetime_of_their_own(client, settings):
    """Browsers keep a page PUBLIC_CACHE_MAX_AGE; a shared cache (the stack's nginx
    micro-cache), which no one can tell that a page changed, only SHARED_CACHE_MAX_AGE."""
    settings.PUBLIC_CACHE_MAX_AGE, settings.SHARED_CACHE_MAX_AGE = 300, 2
    response = client.get(ArticleFactory().get_absolute_url())
    assert response["Cache-Control"] == "public, max-age=300, s-maxage=2"
    again = client.get(response.wsgi_request.path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert (again.status_code, again["Cache-Control"]) == (304, response["Cache-Control"])


def test_shared_cache_lifetime_is_read_from_the_environment():
    code = (
        "import json, newsroom.settings as s; "
        "print(json.dumps([s.PUBLIC_CACHE_MAX_AGE, s.SHARED_CACHE_MAX_AGE]))"
    )
    assert fresh.run_json(code, {"DEBUG": "true"}) == [60, 1]
    assert fresh.run_json(code, {"DEBUG": "true", "SHARED_CACHE_MAX_AGE": "5"}) == [60, 5]


def test_a_changed_story_no_longer_matches(client):
    story = ArticleFactory()
    first = client.get(story.get_absolute_url())
    story.standfirst = "A new standfirst."
    story.save()
    again = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_staff_responses_are_private_and_never_cached(client, urls):
    client.force_login(staff_user("view_article"))
    for url in urls[:8]:
        response = client.get(url)
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
        assert "public" not in cache_control
        assert "Cookie" in response["Vary"]


def test_not_found_is_not_marked_public(client):
    response = client.get("/section/none/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def _anonymous_request():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_pages_holding_a_csrf_token_or_a_message_are_personal():
    request = _anonymous_request()
    assert not is_personal(request)
    get_token(request)  # a form with {% csrf_token %} was rendered
    assert is_personal(request)

    request = _anonymous_request()
    from django.contrib.messages.storage.cookie import CookieStorage

    request._messages = CookieStorage(request)
    assert not is_personal(request)
    messages.info(request, "Thanks, your comment awaits moderation.")
    assert is_personal(request)


# --- The story page with its comments, compressed (GZipMiddleware) -------------------------


@pytest.fixture
def commented_story():
    """A story published an hour ago, comments open, with approved comments and a reply."""
    story = ArticleFactory(publish_at=timezone.now() - timezone.timedelta(hours=1))
    Article.objects.filter(pk=story.pk).update(updated_at=story.publish_at)
    old = story.publish_at
    first = CommentFactory(article=story, created=old)
    CommentFactory(article=story, parent=first, created=old)
    story.refresh_from_db()
    return story


def test_story_with_open_comments_answers_conditional_gzip_requests(client, commented_story):
    url = commented_story.get_absolute_url()
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert b'id="comment-form"' in gzip.decompress(first.content)
    assert first["ETag"].startswith('W/"')  # the stamp is left out: a weak validator
    assert first["Cache-Control"] == PUBLIC
    for headers in (
        {"HTTP_IF_NONE_MATCH": first["ETag"]},
        {"HTTP_IF_NONE_MATCH": first["ETag"].removeprefix("W/")},
        {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]},
    ):
        again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", **headers)
        assert again.status_code == 304, headers
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == PUBLIC
        # A 304 says what the 200 would vary on.
        assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in again["Vary"].split(",")}
    # Uncompressed and compressed copies share the validator (weak comparison).
    plain = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert plain.status_code == 304


@pytest.mark.parametrize("decision", [approve, reject])
def test_a_moderators_decision_moves_last_modified(client, commented_story, decision):
    """A cache that revalidates with If-Modified-Since alone must see the comments change."""
    url = commented_story.get_absolute_url()
    before = client.get(url)
    pending = CommentFactory(
        article=commented_story, status=Comment.Status.PENDING, body="Just in."
    )
    shown = commented_story.comments.filter(parent=None).first()
    moderator = staff_user("moderate_comment")
    if decision is approve:
        approve(pending, by=moderator)
    else:
        reject(shown, by=moderator)
    after = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    assert ("Just in." in after.content.decode()) is (decision is approve)


def test_a_new_approved_comment_moves_last_modified(client, commented_story):
    """Comments that never went through the queue (imports, trusted) count too."""
    url = commented_story.get_absolute_url()
    before = client.get(url)
    CommentFactory(article=commented_story, body="Straight in.")
    after = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200
    assert "Straight in." in after.content.decode()


def test_a_cached_comment_form_is_renewed_every_period(client, commented_story, monkeypatch):
    """A 304 keeps the cache's copy and its form stamp: the validators change once a period,
    so no cache serves a form older than the period plus max-age (the stamp lasts 2 hours)."""
    url = commented_story.get_absolute_url()
    start = (time.time() // VOLATILE_PERIOD + 1) * VOLATILE_PERIOD + 5
    monkeypatch.setattr("newsroom.http.time", SimpleNamespace(time=lambda: start))
    first = client.get(url)
    assert parse_http_date(first["Last-Modified"]) >= start - 5
    later = start + VOLATILE_PERIOD - 10
    monkeypatch.setattr("newsroom.http.time", SimpleNamespace(time=lambda: later))
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    next_period = start + VOLATILE_PERIOD
    monkeypatch.setattr("newsroom.http.time", SimpleNamespace(time=lambda: next_period))
    for headers in (
        {"HTTP_IF_NONE_MATCH": first["ETag"]},
        {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]},
    ):
        renewed = client.get(url, **headers)
        assert renewed.status_code == 200, headers
        assert renewed["ETag"] != first["ETag"]


def test_pages_without_a_form_keep_their_validators(client, monkeypatch):
    """Only pages with per-render fragments are renewed every period."""
    ArticleFactory(section=SectionFactory(slug="calm"))
    first = client.get("/section/calm/")
    later = time.time() + 3 * VOLATILE_PERIOD
    monkeypatch.setattr("newsroom.http.time", SimpleNamespace(time=lambda: later))
    assert client.get("/section/calm/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def pull_a_little_later(story, monkeypatch):
    """Unpublish `story`; HTTP dates count whole seconds, so the editor does it 2 s later."""
    from django.utils import timezone

    from articles.models import Article

    later = timezone.now() + timezone.timedelta(seconds=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    story.status = Article.Status.UNPUBLISHED
    story.save()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/section/politics/",
        "/feed/",
        "/section/politics/feed/",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/news-sitemap.xml",
    ],
)
def test_pulling_the_newest_story_moves_last_modified_forward(client, url, monkeypatch):
    from django.utils import timezone

    section = SectionFactory(slug="politics")
    ArticleFactory(section=section, publish_at=timezone.now() - timezone.timedelta(hours=3))
    newest = ArticleFactory(section=section)
    first = client.get(url)
    assert first.has_header("Last-Modified")

    pull_a_little_later(newest, monkeypatch)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200, url
    assert newest.headline not in again.content.decode()


def test_story_sitemap_dates_itself_with_one_aggregate(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.site.sitemaps import StorySitemap

    stories = [ArticleFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        latest = StorySitemap().get_latest_lastmod()
    assert latest == max(max(s.updated_at, s.publish_at) for s in stories)
    assert len(queries) == 1 and "MAX(" in queries[0]["sql"].upper()
