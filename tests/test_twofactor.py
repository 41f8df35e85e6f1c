"""Two-factor login for the desk (newsroom.twofactor): enrol, verify, recovery codes, reset."""

import re
from base64 import b32decode

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.twofactor import policy
from tests.factories import ArticleFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
STORIES = "/admin/articles/article/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.STAFF_2FA_REQUIRED = True


def code_for(device):
    """The code an authenticator app shows now for this device."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    codes = policy.new_recovery_codes(user)
    return device, codes


def verified_login(client, user, device):
    """A session that has given `device`'s code, as django_otp.login leaves it."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def password_login(client, username, next_url="/admin/"):
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302, "the password step failed"
    return client.get(next_url)


def give_code(client, code, next_url="/admin/"):
    return client.post(reverse("twofactor:verify"), {"token": code, "next": next_url})


@pytest.fixture
def editor():
    return StaffFactory(username="eve", role="Editors")


@pytest.fixture
def moderator():
    return StaffFactory(username="mo", role="Moderators")


@pytest.fixture
def reporter():
    return StaffFactory(username="rita", role="Reporters")


def test_an_editor_without_a_device_is_sent_to_enrol_and_held_there(client, editor):
    response = password_login(client, "eve", next_url=STORIES)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('twofactor:setup')}?next=%2Fadmin%2Farticles%2Farticle%2F"
    )
    for url in (STORIES, "/admin/", "/admin/comments/comment/queue/", "/admin/auth/user/"):
        assert client.get(url).status_code == 302, url
    assert client.get(reverse("twofactor:setup")).status_code == 200


def test_a_half_logged_in_session_is_a_reader_outside_the_admin(client, editor):
    draft = ArticleFactory(status="draft")
    password_login(client, "eve")
    response = client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code != 200
    assert draft.headline not in response.content.decode()


@pytest.mark.parametrize("role", ["Moderators", "Editors"])
def test_who_must_use_two_factor(role):
    assert policy.is_required(StaffFactory(role=role))
    assert not policy.is_required(StaffFactory(role="Reporters"))
    assert policy.is_required(UserFactory(is_staff=True, is_superuser=True))


def test_enrolment_step_by_step(client, moderator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then at once the right one
    password_login(client, "mo")
    page = client.get(reverse("twofactor:setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert "<path" in svg and "href" not in svg and "<script" not in svg
    device = TOTPDevice.objects.get(user=moderator, confirmed=False)
    secret = re.search(r'id="twofactor-secret">([A-Z2-7 ]+)<', html).group(1)
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert client.get(reverse("twofactor:setup")).content.decode().count(secret) == 1  # same key

    wrong = client.post(reverse("twofactor:setup"), {"token": "000000", "next": "/admin/"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(STORIES).status_code == 302

    done = client.post(reverse("twofactor:setup"), {"token": code_for(device), "next": "/admin/"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=moderator).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(STORIES).status_code == 200
    assert client.get("/admin/comments/comment/queue/").status_code == 200


def test_a_user_with_a_device_gives_a_code_after_the_password(client, editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then at once the right one
    device, _codes = enrolled(editor)
    response = password_login(client, "eve", next_url=STORIES)
    assert response["Location"].startswith(reverse("twofactor:verify"))
    assert client.get(STORIES).status_code == 302
    # A password alone never enrols a second device on an account that has one.
    assert client.get(reverse("twofactor:setup")).status_code == 302
    assert TOTPDevice.objects.filter(user=editor).count() == 1

    refused = give_code(client, "123456", next_url=STORIES)
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert client.get(STORIES).status_code == 302

    accepted = give_code(client, code_for(device), next_url=STORIES)
    assert accepted.status_code == 302 and accepted["Location"] == STORIES
    assert client.get(STORIES).status_code == 200


def test_a_recovery_code_works_once(client, editor):
    _device, codes = enrolled(editor)
    password_login(client, "eve")
    assert give_code(client, codes[0].upper()).status_code == 302
    assert client.get(STORIES).status_code == 200
    client.post(reverse("admin:logout"))

    password_login(client, "eve")
    again = give_code(client, codes[0])
    assert "That code is not right" in again.content.decode()
    assert client.get(STORIES).status_code == 302
    editor_static = StaticDevice.objects.get(user=editor)
    editor_static.throttle_reset()  # the failed try above slows the next one down
    assert give_code(client, codes[1]).status_code == 302
    assert client.get(STORIES).status_code == 200
    assert StaticToken.objects.filter(device__user=editor).count() == 8


def test_an_unsafe_next_lands_on_the_admin(client, editor):
    device, _codes = enrolled(editor)
    password_login(client, "eve")
    response = give_code(client, code_for(device), next_url="https://evil.example/")
    assert response["Location"] == "/admin/"


def test_a_reporter_is_not_asked_but_may_enrol(client, reporter):
    assert password_login(client, "rita").status_code == 200
    overview = client.get(reverse("twofactor:index"))
    assert "Two-factor login is <strong>off</strong>" in overview.content.decode()
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=reporter)
    done = client.post(reverse("twofactor:setup"), {"token": code_for(device)})
    assert len(re.findall(r"<li><code>", done.content.decode())) == 10
    client.post(reverse("admin:logout"))

    # Once enrolled, the device is asked for at every login.
    assert password_login(client, "rita")["Location"].startswith(reverse("twofactor:verify"))


def test_new_recovery_codes_replace_the_old(client, editor):
    device, old = enrolled(editor)
    password_login(client, "eve")
    give_code(client, code_for(device))
    response = client.post(reverse("twofactor:recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_a_superuser_resets_a_lost_device(client, editor):
    enrolled(editor)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root_device, _codes = enrolled(root)
    admin_client = client.__class__()
    verified_login(admin_client, root, root_device)
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [editor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert TOTPDevice.objects.filter(user=root).exists()
    assert LogEntry.objects.filter(object_id=str(editor.pk), user=root).exists()
    # The editor's next login enrols afresh.
    assert password_login(client, "eve")["Location"].startswith(reverse("twofactor:setup"))


def test_only_superusers_may_reset(client, editor):
    manager = StaffFactory(username="una", role="Editors")
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    manager_device, _codes = enrolled(manager)
    verified_login(client, manager, manager_device)
    page = client.get(reverse("admin:auth_user_changelist"))
    assert page.status_code == 200
    assert "reset_two_factor" not in page.content.decode()
    # Nor does a hand-made POST of the action reach the devices.
    enrolled(editor)
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [editor.pk]},
    )
    assert TOTPDevice.objects.filter(user=editor).exists()
    assert StaticDevice.objects.filter(user=editor).exists()


def test_a_session_opened_before_two_factor_was_required_owes_it_now(client, editor, settings):
    settings.STAFF_2FA_REQUIRED = False
    assert password_login(client, "eve", next_url=STORIES).status_code == 200
    settings.STAFF_2FA_REQUIRED = True
    response = client.get(STORIES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:setup"))
    # Nor does the half-held session see drafts on the reader site.
    draft = ArticleFactory(status="draft")
    assert client.get(reverse("articles:preview", kwargs={"pk": draft.pk})).status_code == 302


def test_a_reporter_given_publishing_mid_session_owes_the_step(client, settings):
    reporter = StaffFactory(username="rory", role="Reporters")
    assert password_login(client, "rory", next_url=STORIES).status_code == 200
    reporter.groups.clear()
    reporter.groups.add(*StaffFactory(username="ed", role="Editors").groups.all())
    response = client.get(STORIES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:setup"))


def test_off_by_default_in_development(client, editor, settings):
    settings.STAFF_2FA_REQUIRED = False
    assert password_login(client, "eve", next_url=STORIES).status_code == 200


def test_wrong_codes_in_a_row_slow_the_next_try(client, editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600  # no test run is that slow
    device, _codes = enrolled(editor)
    password_login(client, "eve")
    give_code(client, "123456")
    response = give_code(client, code_for(device))
    assert "Too many wrong codes in a row" in response.content.decode()
    assert client.get(STORIES).status_code == 302
