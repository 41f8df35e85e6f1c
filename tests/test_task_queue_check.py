"""The worker's health check (`manage.py check_task_queue`): a due job left waiting fails it."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.tasks import announce_waiting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def enqueued(ago, run_after=None):
    task = announce_waiting if run_after is None else announce_waiting.using(run_after=run_after)
    result = task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - ago)
    return result


def test_an_empty_queue_is_healthy():
    call_command("check_task_queue", "--max-wait", "60")


def test_a_job_just_enqueued_is_healthy():
    enqueued(timedelta(seconds=5))
    call_command("check_task_queue", "--max-wait", "60")


def test_a_due_job_waiting_too_long_means_no_worker():
    enqueued(timedelta(minutes=10))
    with pytest.raises(CommandError, match="has waited 6\\d\\d s"):
        call_command("check_task_queue", "--max-wait", "300")


def test_a_job_a_worker_took_does_not_count():
    result = enqueued(timedelta(minutes=10))
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING")
    call_command("check_task_queue", "--max-wait", "300")


def test_a_deferred_job_counts_from_its_run_after():
    now = timezone.now()
    # A retry enqueued long ago to run in the future is not late; one due 10 minutes ago is.
    enqueued(timedelta(hours=1), run_after=now + timedelta(minutes=5))
    call_command("check_task_queue", "--max-wait", "300")
    enqueued(timedelta(hours=1), run_after=now - timedelta(minutes=10))
    with pytest.raises(CommandError, match="has waited"):
        call_command("check_task_queue", "--max-wait", "300")
