"""Admin login throttling (django-axes): a username and address pair is locked after failures."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
PROXY = "10.0.0.2"  # nginx, as the app sees it
READER = "203.0.113.9"


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    """The address is taken as the comments app takes it: what our one proxy saw."""
    settings.COMMENTS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.COMMENTS_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def editor():
    return StaffFactory(username="eve", role="Editors")


def attempt(client, password, forwarded_for=READER, username="eve"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def lock_out(client):
    answers = [attempt(client, "wrong password").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]


def assert_locked(response):
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert int(response["Retry-After"]) == 15 * 60
    assert "no-store" in response["Cache-Control"]
    assert "_auth_user_id" not in response.wsgi_request.session


def test_five_failures_lock_even_the_right_password(client, editor):
    lock_out(client)
    response = attempt(client, PASSWORD)
    assert_locked(response)
    html = response.content.decode()
    assert re.search(r'<body class="[^"]*\blogin\b', html)  # the admin login page's look
    assert "Logins are refused for\n    15 minutes" in html
    attempt_row = AccessAttempt.objects.get()
    assert (attempt_row.username, attempt_row.ip_address) == ("eve", READER)


def test_fewer_failures_then_the_right_password_logs_in(client, editor):
    for _ in range(4):
        attempt(client, "wrong password")
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_another_address_is_not_locked(client, editor):
    lock_out(client)
    response = attempt(client, PASSWORD, forwarded_for="198.51.100.4")
    assert response.status_code == 302


def test_another_username_from_the_same_address_is_not_locked(client, editor):
    StaffFactory(username="sam", role="Editors")
    lock_out(client)
    assert attempt(client, PASSWORD, username="sam").status_code == 302


def test_a_forged_leftmost_forwarded_for_does_not_escape(client, editor):
    lock_out(client)
    # The client sends its own X-Forwarded-For; nginx appends the address it saw.
    response = attempt(client, PASSWORD, forwarded_for=f"192.0.2.77, {READER}")
    assert_locked(response)


def test_a_superuser_sees_and_clears_the_lock(client, editor):
    lock_out(client)
    admin_client = client.__class__()
    admin_client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "eve" in changelist.content.decode() and READER in changelist.content.decode()
    row = AccessAttempt.objects.get()
    cleared = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"}
    )
    assert cleared.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert attempt(client, PASSWORD).status_code == 302


def test_an_editor_cannot_see_the_lockouts(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403
