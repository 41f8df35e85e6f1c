"""The one status function, its audit trail, notifications and the personal-data purge."""

import threading
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from articles.desk.roles import sync_groups
from comments import moderation, notifications
from comments.models import Comment, ModerationEvent
from comments.moderation import set_status
from newsroom.tasks import RETRY_ATTEMPTS
from tests.comment_helpers import HangingEmailBackend, _fresh_cache, post_comment  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def run_worker():
    """What `manage.py db_worker --batch` does: run every due job, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


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
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["desk@newsroom.test"]
    assert "1 comment waiting" in message.subject
    assert "/admin/comments/comment/queue/" in message.body
    assert Comment.objects.get().moderators_notified_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_alert_is_a_job_committed_with_the_comment(client, settings, moderator_with_email):
    """On the database backend the reader's request only writes a job row; no mail is tried."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "tests.comment_helpers.BrokenEmailBackend"
    article = ArticleFactory()
    assert post_comment(client, article).status_code == 302
    job = DBTaskResult.objects.get()
    assert job.task_path == "comments.tasks.announce_waiting"
    assert job.status == "READY"
    assert Comment.objects.get().moderators_notified_at is None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_comment_leaves_no_job(settings, moderator_with_email):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    article = ArticleFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.set_status(CommentFactory.build(article=article), Comment.Status.PENDING)
        raise RuntimeError("the request failed after filing the comment")
    assert not DBTaskResult.objects.exists()
    assert not Comment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_never_send_one_comment_twice(settings, moderator_with_email):
    """While one run holds the claim (its mail server hangs), another finds nothing to send."""
    settings.EMAIL_BACKEND = "tests.comment_helpers.HangingEmailBackend"
    HangingEmailBackend.reset()
    CommentFactory(status=Comment.Status.PENDING)
    results = []

    def first_run():
        try:
            results.append(notifications.send_waiting())
        finally:
            connections.close_all()

    first = threading.Thread(target=first_run)
    first.start()
    try:
        assert HangingEmailBackend.started.wait(60)
        assert notifications.send_waiting() == 0  # the digest, or a retry, at the same time
    finally:
        HangingEmailBackend.release.set()
        first.join(60)
    assert results == [1]
    assert len(HangingEmailBackend.sent) == 1
    assert notifications.send_waiting() == 0  # and nothing is left to announce afterwards


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
def test_failing_mail_server_is_retried_with_back_off(client, settings, moderator_with_email):
    """The failed alert comes back after the back-off; the comment waits, unannounced."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "tests.comment_helpers.BrokenEmailBackend"
    article = ArticleFactory()
    assert post_comment(client, article).status_code == 302
    run_worker()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderators_notified_at is None
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after - timezone.now() > timezone.timedelta(seconds=50)
    # The server is back and the back-off has passed: the retry announces the comment, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert len(mail.outbox) == 1
    assert Comment.objects.get().moderators_notified_at is not None
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_retries_are_bounded_and_the_last_failure_logged(
    client, settings, caplog, django_capture_on_commit_callbacks, moderator_with_email
):
    settings.EMAIL_BACKEND = "tests.comment_helpers.BrokenEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, ArticleFactory())
    failures = [r for r in caplog.records if r.name == "comments.tasks"]
    assert len(failures) == RETRY_ATTEMPTS
    assert "failed 5 times; giving up" in caplog.text
    assert Comment.objects.get().moderators_notified_at is None


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
