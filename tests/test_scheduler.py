"""The periodic jobs: each period enqueued once, however many schedulers run."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from newsroom.models import PeriodicRun
from newsroom.scheduler import SCHEDULE, enqueue_due, next_due
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_each_period_is_enqueued_once(database_backend):
    names = {job.name for job in SCHEDULE}
    assert set(enqueue_due(NOON)) == names
    # A second scheduler, or the same one waking again within the period: nothing more.
    assert enqueue_due(NOON + timedelta(minutes=30)) == []
    assert DBTaskResult.objects.count() == 2
    # The next hour starts the digest's next period; the daily purge waits for tomorrow.
    assert enqueue_due(NOON + timedelta(hours=1)) == ["comment-digest"]
    assert enqueue_due(NOON + timedelta(days=1)) == [
        "comment-digest",
        "comment-personal-data-purge",
    ]
    assert PeriodicRun.objects.count() == 5
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        *["comments.tasks.announce_waiting"] * 3,
        *["comments.tasks.purge_personal_data"] * 2,
    ]


def test_next_due_is_the_next_period_start(settings):
    settings.COMMENTS_DIGEST_MINUTES = 15
    assert next_due(NOON + timedelta(minutes=7)) == NOON + timedelta(minutes=15)


def test_the_scheduled_jobs_run(settings):
    """With the immediate backend the enqueued digest and purge run at once."""
    settings.COMMENTS_NOTIFY_EMAILS = ["desk@newsroom.test"]
    old = CommentFactory(
        status=Comment.Status.PENDING, created=NOON - timedelta(days=365), ip_address="192.0.2.1"
    )
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "Enqueued comment-digest." in out.getvalue()
    assert len(mail.outbox) == 1
    old.refresh_from_db()
    assert old.moderators_notified_at is not None
    assert old.ip_address is None
    call_command("run_scheduler", "--once", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_no_digest_when_notifications_are_off(settings):
    settings.COMMENTS_NOTIFY = "off"
    settings.COMMENTS_NOTIFY_EMAILS = ["desk@newsroom.test"]
    CommentFactory(status=Comment.Status.PENDING)
    call_command("run_scheduler", "--once", stdout=StringIO())
    assert mail.outbox == []
