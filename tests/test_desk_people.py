"""People: a chief editor invites staff, sets their newsroom groups and deactivates them,
without being a superuser; and can do nothing beyond that, however the request is made."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.desk import people, roles
from articles.models import StaffMember
from newsroom.tasks import RETRY_ATTEMPTS
from newsroom.twofactor import policy
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
CHANGELIST = reverse("admin:articles_staffmember_changelist")
ADD = reverse("admin:articles_staffmember_add")


def change_url(user):
    return reverse("admin:articles_staffmember_change", args=[user.pk])


def group(name):
    return Group.objects.get(name=name)


@pytest.fixture
def chief():
    user = StaffFactory(
        username="chief", first_name="Carla", last_name="Mendes", role=roles.EDITORS
    )
    user.groups.add(group(roles.CHIEF_EDITORS))
    return user


@pytest.fixture
def staff():
    return {
        "reporter": StaffFactory(username="rui", role=roles.REPORTERS),
        "editor": StaffFactory(username="edna", role=roles.EDITORS),
        "moderator": StaffFactory(username="mo", role=roles.MODERATORS),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }


def signs_in(client, username, password):
    """Through the admin's login form, as a person does (axes wants the request)."""
    response = client.post(reverse("admin:login"), {"username": username, "password": password})
    return response.status_code == 302


def invite_data(**overrides):
    data = {
        "email": "Jane.Doe@Agency.example",
        "first_name": "Jane",
        "last_name": "Doe",
        "newsroom_groups": [group(roles.REPORTERS).pk],
    }
    data.update(overrides)
    return data


def member_data(member, **overrides):
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "is_active": "on" if member.is_active else "",
        "newsroom_groups": [g.pk for g in member.groups.filter(name__in=roles.NEWSROOM_GROUPS)],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


# The group and the permission


def test_the_chief_editors_group_exists_after_migrations_with_only_staff_management():
    chiefs = group(roles.CHIEF_EDITORS)
    assert list(chiefs.permissions.values_list("content_type__app_label", "codename")) == [
        ("articles", "manage_staff")
    ]
    for name in roles.NEWSROOM_GROUPS:
        assert not group(name).permissions.filter(codename="manage_staff").exists()


def test_staff_managers_must_use_two_factor_login(settings, chief):
    settings.STAFF_2FA_REQUIRED = True
    only_chief = UserFactory(username="onlychief", is_staff=True)
    only_chief.groups.add(group(roles.CHIEF_EDITORS))
    assert policy.is_required(only_chief)


# Who may open the people pages


@pytest.mark.parametrize("role", ["reporter", "editor", "moderator"])
def test_other_roles_cannot_open_the_people_pages(client, staff, role):
    client.force_login(staff[role])
    assert CHANGELIST not in client.get(reverse("admin:index")).content.decode()
    for url in (CHANGELIST, ADD, change_url(staff["reporter"])):
        assert client.get(url).status_code == 403, url
    assert client.post(ADD, invite_data()).status_code == 403
    assert not User.objects.filter(email__iexact="jane.doe@agency.example").exists()


def test_a_chief_editor_finds_the_people_page_in_the_admin(client, chief, staff):
    client.force_login(chief)
    assert CHANGELIST in client.get(reverse("admin:index")).content.decode()
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    listed = {member.username for member in response.context["cl"].result_list}
    # Superusers and staff managers (the chief editor among them) are not theirs to manage.
    assert listed == {"rui", "edna", "mo"}
    page = response.content.decode()
    assert "Delete" not in page


def test_people_changelist_query_count_does_not_grow(
    client, chief, staff, django_assert_max_num_queries
):
    client.force_login(chief)
    client.get(CHANGELIST)
    with django_assert_max_num_queries(12) as few:
        client.get(CHANGELIST)
    for n in range(40):
        StaffFactory(username=f"extra{n}", role=roles.REPORTERS)
    with django_assert_max_num_queries(len(few)):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 43
    print(f"people changelist: {len(few)} queries")


def test_people_pages_query_counts(client, chief, staff, django_assert_max_num_queries):
    client.force_login(chief)
    # As measured: the invitation form 6 queries, a member's page 8.
    for url, budget in ((ADD, 6), (change_url(staff["reporter"]), 8)):
        client.get(url)
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


# Inviting


def test_a_chief_editor_invites_a_reporter_who_sets_a_password_and_signs_in(
    client, settings, chief, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example.org"
    client.force_login(chief)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, invite_data())
    assert response.status_code == 302
    member = User.objects.get(email="Jane.Doe@agency.example")  # the domain lower-cased
    assert member.username == "Jane.Doe"
    assert member.is_staff and member.is_active and not member.is_superuser
    assert not member.has_usable_password()
    assert list(member.groups.values_list("name", flat=True)) == [roles.REPORTERS]
    assert not member.user_permissions.exists()
    assert LogEntry.objects.filter(object_id=str(member.pk), user=chief).exists()
    # The mail: to them alone, with an absolute link, their username, nobody's address.
    (message,) = mail.outbox
    assert message.to == ["Jane.Doe@agency.example"]
    assert message.subject == "[The Newsroom] You are invited to the desk"
    assert "Carla Mendes invited you" in message.body
    assert "Your username: Jane.Doe" in message.body
    assert "chief@newsroom.test" not in message.body
    link = re.search(r"https://news\.example\.org(/admin/desk/welcome/\S+/)", message.body)[1]
    # The link leads to the password form (through Django's token-hiding redirect).
    client.logout()
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Your username is <strong>Jane.Doe</strong>" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "tide table 42 ropes", "new_password2": "tide table 42 ropes"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:welcome_done")
    assert signs_in(client, "Jane.Doe", "tide table 42 ropes")
    # The link works once.
    client.logout()
    page = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in page


def test_an_invitation_the_mail_server_refuses_is_retried_and_the_account_kept(
    client, settings, caplog, chief, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.comment_helpers.BrokenEmailBackend"
    client.force_login(chief)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ADD, invite_data()).status_code == 302
    assert User.objects.filter(email="Jane.Doe@agency.example").exists()
    failures = [r for r in caplog.records if r.name == "articles.desk.tasks"]
    assert len(failures) == RETRY_ATTEMPTS
    assert "failed 5 times; giving up" in caplog.text


def test_an_address_already_on_the_staff_is_refused_and_the_form_kept(client, chief, staff):
    client.force_login(chief)
    response = client.post(ADD, invite_data(email="RUI@newsroom.test", first_name="Ruy"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone on the staff already has this email address." in page
    assert 'value="Ruy"' in page
    assert User.objects.filter(email__iexact="rui@newsroom.test").count() == 1


def test_usernames_come_from_the_address_and_never_clash(chief):
    StaffFactory(username="jane")
    first = people.invite(
        StaffMember(email="jane@one.example", first_name="Jane"),
        groups=[group(roles.MODERATORS)],
        by=chief,
    )
    assert first.username == "jane2"


def test_the_invite_form_offers_only_the_newsroom_groups(client, chief):
    Group.objects.create(name="Site admins")
    client.force_login(chief)
    field = client.get(ADD).context["adminform"].form.fields["newsroom_groups"]
    assert sorted(field.queryset.values_list("name", flat=True)) == sorted(roles.NEWSROOM_GROUPS)


def test_invitations_can_be_sent_again_until_a_password_is_chosen(
    client, chief, staff, django_capture_on_commit_callbacks
):
    member = people.invite(
        StaffMember(email="jane@agency.example", first_name="Jane"),
        groups=[group(roles.REPORTERS)],
        by=chief,
    )
    client.force_login(chief)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {
                "action": "resend_invitation_selected",
                "_selected_action": [member.pk, staff["reporter"].pk],
            },
        )
    assert [m.to for m in mail.outbox] == [["jane@agency.example"]]  # rui has a password


# Groups and deactivation


def test_a_chief_editor_moves_a_reporter_to_editors(client, chief, staff):
    reporter = staff["reporter"]
    client.force_login(chief)
    data = member_data(reporter, newsroom_groups=[group(roles.EDITORS).pk], first_name="Ruy")
    response = client.post(change_url(reporter), data)
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert list(reporter.groups.values_list("name", flat=True)) == [roles.EDITORS]
    assert reporter.first_name == "Ruy"
    assert reporter.has_perm("articles.publish_article")


def test_a_chief_editor_deactivates_and_the_session_ends(client, chief, staff):
    reporter = staff["reporter"]
    reporter_client = type(client)()
    reporter_client.force_login(reporter)
    assert reporter_client.get(reverse("admin:index")).status_code == 200
    client.force_login(chief)
    response = client.post(change_url(reporter), member_data(reporter, is_active=""))
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert User.objects.filter(pk=reporter.pk).exists()  # never deleted
    response = reporter_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not signs_in(reporter_client, "rui", "correct horse battery")


def test_deactivate_and_activate_again_from_the_list(client, chief, staff):
    ids = [staff["reporter"].pk, staff["moderator"].pk]
    client.force_login(chief)
    client.post(CHANGELIST, {"action": "deactivate_selected", "_selected_action": ids})
    assert not User.objects.filter(pk__in=ids, is_active=True).exists()
    client.post(CHANGELIST, {"action": "reactivate_selected", "_selected_action": ids})
    assert User.objects.filter(pk__in=ids, is_active=True).count() == 2


def test_a_deactivated_persons_invitation_link_leads_nowhere(client, chief):
    member = people.invite(
        StaffMember(email="jane@agency.example", first_name="Jane"),
        groups=[group(roles.REPORTERS)],
        by=chief,
    )
    link = people.invitation_link(member)
    people.deactivate(member, by=chief)
    page = client.get(link.split("127.0.0.1:8000", 1)[1], follow=True).content.decode()
    assert "This link no longer works" in page


# Privilege escalation: none of it works


@pytest.mark.parametrize("power", ["other_group", "own_permission", "not_staff"])
def test_accounts_with_powers_beyond_the_newsroom_groups_are_not_a_chief_editors(
    client, chief, staff, power, django_capture_on_commit_callbacks
):
    """Not even an invited account that never signed in: changing its address and sending
    the invitation again would hand its powers to whoever reads that mailbox."""
    member = people.invite(
        StaffMember(email="svc@agency.example", first_name="Service"),
        groups=[group(roles.REPORTERS)],
        by=chief,
    )
    if power == "other_group":
        member.groups.add(Group.objects.create(name="Site admins"))
    elif power == "own_permission":
        member.user_permissions.add(Permission.objects.get(codename="change_user"))
    else:
        StaffMember.objects.filter(pk=member.pk).update(is_staff=False)
    client.force_login(chief)
    listed = client.get(CHANGELIST).context["cl"].result_list
    assert member not in listed
    response = client.post(change_url(member), member_data(member, email="me@chief.example"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    with django_capture_on_commit_callbacks(execute=True):
        for change in (people.resend_invitation, people.deactivate):
            with pytest.raises(PermissionDenied):
                change(member, by=chief)
    member.refresh_from_db()
    assert member.email == "svc@agency.example" and member.is_active
    assert mail.outbox == []


def test_a_chief_editor_cannot_grant_chief_editor_or_any_other_group(client, chief, staff):
    reporter = staff["reporter"]
    admins = Group.objects.create(name="Site admins")
    admins.permissions.add(Permission.objects.get(codename="change_user"))
    client.force_login(chief)
    for forbidden in (group(roles.CHIEF_EDITORS), admins):
        data = member_data(reporter, newsroom_groups=[forbidden.pk])
        response = client.post(change_url(reporter), data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        response = client.post(ADD, invite_data(newsroom_groups=[forbidden.pk]))
        assert response.status_code == 200
    assert list(reporter.groups.values_list("name", flat=True)) == [roles.REPORTERS]
    assert not User.objects.filter(email__iexact="jane.doe@agency.example").exists()
    with pytest.raises(PermissionDenied):
        people.set_groups(reporter, [admins], by=chief)


def test_a_chief_editor_cannot_set_flags_or_permissions_by_hand(client, chief, staff):
    reporter = staff["reporter"]
    perm = Permission.objects.get(codename="manage_staff")
    client.force_login(chief)
    extra = {
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [perm.pk],
        "groups": [group(roles.CHIEF_EDITORS).pk],
        "username": "root2",
        "password": "x",
    }
    assert client.post(change_url(reporter), {**member_data(reporter), **extra}).status_code == 302
    client.post(ADD, {**invite_data(), **extra})
    for user in (
        User.objects.get(pk=reporter.pk),
        User.objects.get(email__iexact="jane.doe@agency.example"),
    ):
        assert not user.is_superuser
        assert not user.user_permissions.exists()
        assert not user.groups.filter(name=roles.CHIEF_EDITORS).exists()
        assert user.username != "root2"
        assert not user.has_perm("articles.manage_staff")


@pytest.mark.parametrize("target", ["superuser", "other_chief", "self"])
def test_a_chief_editor_cannot_touch_superusers_other_chiefs_or_themselves(
    client, chief, staff, target
):
    other_chief = StaffFactory(username="chief2", role=roles.EDITORS)
    other_chief.groups.add(group(roles.CHIEF_EDITORS))
    member = {"superuser": staff["superuser"], "other_chief": other_chief, "self": chief}[target]
    before = (member.is_active, member.email, sorted(member.groups.values_list("pk", flat=True)))
    client.force_login(chief)
    response = client.get(change_url(member))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    response = client.post(
        change_url(member),
        member_data(member, email="taken@over.example", is_active="", newsroom_groups=[]),
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    client.post(CHANGELIST, {"action": "deactivate_selected", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert (
        member.is_active,
        member.email,
        sorted(member.groups.values_list("pk", flat=True)),
    ) == before
    for change in (people.deactivate, people.reactivate):
        with pytest.raises(PermissionDenied):
            change(member, by=chief)


def test_an_editor_without_the_chief_role_is_refused_by_the_functions_too(staff):
    with pytest.raises(PermissionDenied):
        people.invite(
            StaffMember(email="x@y.example", first_name="X"),
            groups=[group(roles.REPORTERS)],
            by=staff["editor"],
        )
    with pytest.raises(PermissionDenied):
        people.deactivate(staff["reporter"], by=staff["editor"])


def test_a_deactivated_chief_editor_manages_nobody(chief, staff):
    chief.is_active = False
    chief.save()
    with pytest.raises(PermissionDenied):
        people.deactivate(staff["reporter"], by=chief)


def test_the_user_admin_stays_the_superusers(client, chief, staff):
    client.force_login(chief)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert (
        client.get(reverse("admin:auth_user_change", args=[staff["reporter"].pk])).status_code
        == 403
    )
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
