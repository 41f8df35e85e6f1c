"""The one status function, its audit trail, notifications and the personal-data purge."""

import time
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from articles.desk.roles import sync_groups
from comments import moderation, notifications
from comments.models import Comment, ModerationEvent
from comments.moderation import set_status
from tests.comment_helpers import HangingEmailBackend, _fresh_cache, post_comment  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(group, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_groups_exist_with_the_right_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Editors", "Reporters", "Moderators"} <= names
    for name in ("Editors", "Moderators"):
        perms = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"moderate_comment", "view_comment"} <= perms
        assert not {"change_comment", "delete_comment"} & perms
    reporters = Group.objects.get(name="Reporters").permissions
    assert not reporters.filter(content_type__app_label="comments").exists()


@pytest.mark.parametrize(("group", "allowed"), [("Moderators", True), ("Editors", True)])
def test_moderators_and_editors_may_moderate(group, allowed):
    comment = CommentFactory(status=Comment.Status.PENDING)
    user = member(group)
    assert set_status(comment, Comment.Status.APPROVED, by=user, note="fine")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    event = comment.events.get()
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        user,
        "pending",
        "approved",
        "fine",
    )


def test_reporters_may_not_moderate():
    comment = CommentFactory(status=Comment.Status.PENDING)
    with pytest.raises(PermissionDenied):
        set_status(comment, Comment.Status.APPROVED, by=member("Reporters"))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not ModerationEvent.objects.exists()


def test_inactive_moderator_may_not_moderate():
    comment = CommentFactory(status=Comment.Status.PENDING)
    with pytest.raises(PermissionDenied):
        set_status(comment, Comment.Status.SPAM, by=member("Moderators", is_active=False))


def test_no_change_writes_no_event():
    comment = CommentFactory(status=Comment.Status.APPROVED)
    assert not set_status(comment, Comment.Status.APPROVED, by=member("Moderators"))
    assert not ModerationEvent.objects.exists()


def test_status_and_event_are_atomic(monkeypatch):
    comment = CommentFactory(status=Comment.Status.PENDING)

    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(ModerationEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        set_status(comment, Comment.Status.APPROVED, by=member("Moderators"))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_moderator_decision_clears_reports():
    comment = CommentFactory()
    for reader in ("a", "b", "c"):
        moderation.report(comment, reader * 64)
    comment.refresh_from_db()
    assert (comment.status, comment.reported) == ("pending", True)
    set_status(comment, Comment.Status.APPROVED, by=member("Moderators"))
    comment.refresh_from_db()
    assert not comment.reported
    assert not comment.reports.filter(resolved=False).exists()
    # New reports start counting again from zero.
    moderation.report(comment, "d" * 64)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_moderation_never_deletes():
    comment = CommentFactory()
    user = member("Moderators")
    for status in ("rejected", "spam", "pending", "approved"):
        set_status(comment, status, by=user)
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert list(comment.events.values_list("to_status", flat=True)) == [
        "rejected",
        "spam",
        "pending",
        "approved",
    ]


# Notifications


@pytest.fixture
def moderator_with_email():
    sync_groups()  # transactional tests flush the groups the migrations made
    return member("Moderators", email="desk@newsroom.test")


@pytest.mark.django_db(transaction=True)
def test_immediate_notification_after_commit(client, moderator_with_email):
    article = ArticleFactory()
    post_comment(client, article)
    assert notifications.wait_for_senders(timeout=60)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["desk@newsroom.test"]
    assert "1 comment waiting" in message.subject
    assert "/admin/comments/comment/queue/" in message.body
    assert Comment.objects.get().moderators_notified_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_hanging_mail_server_does_not_hold_the_reader(client, settings, moderator_with_email):
    """The reader's answer comes at once; the mail goes out when the server answers."""
    settings.EMAIL_BACKEND = "tests.comment_helpers.HangingEmailBackend"
    HangingEmailBackend.reset()
    article = ArticleFactory()
    began = time.perf_counter()
    response = post_comment(client, article)
    answered = time.perf_counter() - began
    try:
        assert response.status_code == 302
        assert answered < HangingEmailBackend.HANG_SECONDS
        assert HangingEmailBackend.started.wait(60)  # the send had begun, and hangs
        assert Comment.objects.get().moderators_notified_at is None
        # Two more comments while the mail server hangs: answered at once as well.
        for body in ("second comment", "third comment"):
            began = time.perf_counter()
            assert post_comment(client, article, body=body).status_code == 302
            assert time.perf_counter() - began < HangingEmailBackend.HANG_SECONDS
    finally:
        HangingEmailBackend.release.set()
    assert notifications.wait_for_senders(timeout=60)
    # One mail for the first, one for the two that waited behind it.
    subjects = [message.subject for message in HangingEmailBackend.sent]
    assert len(subjects) == 2 and "2 comments waiting" in subjects[1], subjects
    assert not Comment.objects.filter(moderators_notified_at=None).exists()


def test_nothing_sent_before_commit(
    client, django_capture_on_commit_callbacks, moderator_with_email
):
    with django_capture_on_commit_callbacks(execute=False):
        post_comment(client, ArticleFactory())
    assert mail.outbox == []


def test_approved_comments_do_not_notify(
    client, django_capture_on_commit_callbacks, moderator_with_email
):
    article = ArticleFactory()
    CommentFactory(article=article, email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_failing_mail_server_loses_nothing(client, settings, moderator_with_email):
    settings.EMAIL_BACKEND = "tests.comment_helpers.BrokenEmailBackend"
    article = ArticleFactory()
    response = post_comment(client, article)
    assert notifications.wait_for_senders(timeout=60)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderators_notified_at is None
    # The next digest retries once the server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_comment_digest", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_digest_mode(client, settings, django_capture_on_commit_callbacks, moderator_with_email):
    settings.COMMENTS_NOTIFY = "digest"
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, body="first")
        post_comment(client, article, body="second")
    assert mail.outbox == []
    out = StringIO()
    call_command("send_comment_digest", stdout=out)
    assert "Announced 2 waiting comments." in out.getvalue()
    assert len(mail.outbox) == 1
    assert "2 comments waiting" in mail.outbox[0].subject
    assert "first" in mail.outbox[0].body and "second" in mail.outbox[0].body
    call_command("send_comment_digest", stdout=StringIO())
    assert len(mail.outbox) == 1  # nothing new


def test_notify_emails_setting_overrides_recipients(settings):
    settings.COMMENTS_NOTIFY_EMAILS = ["night-desk@newsroom.test"]
    CommentFactory(status=Comment.Status.PENDING)
    from comments.notifications import send_waiting

    assert send_waiting() == 1
    assert mail.outbox[0].to == ["night-desk@newsroom.test"]


@pytest.mark.django_db(transaction=True)
def test_report_return_to_queue_notifies_again(moderator_with_email):
    comment = CommentFactory(moderators_notified_at=timezone.now())
    for reader in ("a", "b", "c"):
        moderation.report(comment, reader * 64)
    assert notifications.wait_for_senders(timeout=60)
    assert len(mail.outbox) == 1
    assert "reported by readers" in mail.outbox[0].body


# Privacy housekeeping


def test_purge_personal_data():
    old = CommentFactory(created=timezone.now() - timezone.timedelta(days=91))
    recent = CommentFactory(created=timezone.now() - timezone.timedelta(days=89))
    out = StringIO()
    call_command("purge_comment_personal_data", stdout=out)
    assert "1 comment older than 90 days" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert old.body and old.email  # the comment itself stays
    assert recent.ip_address == "203.0.113.7"
    call_command("purge_comment_personal_data", "--days", "1", stdout=out)
    recent.refresh_from_db()
    assert recent.ip_address is None


def test_comment_block_change_times_follow_approvals_and_removals():
    from articles.models import Article

    def changed(article):
        return Article.objects.with_contributions("page").get(pk=article.pk).contributed_changes()

    moderator = member("Moderators")
    comment = CommentFactory(status=Comment.Status.PENDING)
    article = comment.article
    assert changed(article) == [None, None]
    set_status(comment, Comment.Status.APPROVED, by=moderator)
    approved_at = comment.events.get(to_status="approved").created
    assert changed(article) == [comment.created, approved_at]
    set_status(comment, Comment.Status.SPAM, by=moderator)
    taken_down_at = comment.events.get(to_status="spam").created
    assert changed(article) == [None, taken_down_at]
    other = CommentFactory(status=Comment.Status.PENDING, article=article)
    set_status(other, Comment.Status.REJECTED, by=moderator)  # never shown: no change
    assert changed(article) == [None, taken_down_at]
