import pytest
from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import get_token
from django.test import RequestFactory

from articles.http import is_personal
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.reader_data import staff_user

pytestmark = pytest.mark.django_db

PUBLIC = f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}"


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
