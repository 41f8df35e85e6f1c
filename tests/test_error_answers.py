"""Every redirect and error answer a visitor can get says how long it may be kept."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.comment_helpers import SAME_ORIGIN, _fresh_cache, form_data, post_comment  # noqa: F401
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = (
    f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}, s-maxage={settings.SHARED_CACHE_MAX_AGE}"
)


def assert_private(response):
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_anonymous_preview_redirect_to_the_login_is_never_stored(client):
    response = client.get(reverse("articles:preview", kwargs={"pk": ArticleFactory().pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert_private(response)


def test_comment_post_redirect_is_never_stored(client):
    response = post_comment(client, ArticleFactory())
    assert response.status_code == 302
    assert_private(response)


def test_not_found_is_never_stored(client):
    """A story due to go live at the address must not stay "not found" in a cache."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_private(response)


def test_permanent_redirect_with_a_flash_message_waiting_is_private(client):
    SectionFactory(slug="politics")
    client.cookies["messages"] = "anything"
    response = client.get("/section/politics")
    assert response.status_code == 301
    assert_private(response)


def test_permanent_redirect_to_the_address_with_a_slash_is_public(client):
    SectionFactory(slug="politics")
    response = client.get("/section/politics")
    assert response.status_code == 301
    assert response["Cache-Control"] == PUBLIC
    assert "Cookie" in response["Vary"]


def test_permanent_redirect_for_a_signed_in_visitor_is_private(client):
    SectionFactory(slug="politics")
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/section/politics")
    assert response.status_code == 301
    assert_private(response)


def test_bad_request_is_never_stored(client):
    response = client.get("/", HTTP_HOST="evil.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert_private(response)


def test_refused_form_is_never_stored(client):
    response = post_comment(client, ArticleFactory(), body="")
    assert response.status_code == 400
    assert_private(response)


def test_forbidden_is_never_stored():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_private(response)


def test_too_many_comments_carries_retry_after_and_is_never_stored(client, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    article = ArticleFactory()
    post_comment(client, article, body="first")
    response = post_comment(client, article, body="second")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60  # the default window
    assert_private(response)


def test_a_post_to_a_missing_story_is_never_stored(client):
    article = ArticleFactory()
    url = reverse("comments:post", kwargs={"article_id": article.pk + 1000})
    response = client.post(url, form_data(article), HTTP_ORIGIN=SAME_ORIGIN)
    assert response.status_code == 404
    assert_private(response)


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/admin/", ""])
def test_admin_login_with_an_unsafe_next_lands_on_the_admin(client, unsafe):
    UserFactory(username="editor", is_staff=True)
    response = client.post(
        f"{reverse('admin:login')}?next={unsafe}",
        {"username": "editor", "password": "correct horse battery", "next": unsafe},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
