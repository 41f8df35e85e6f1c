"""The product's periodic jobs, and the one way they are enqueued: once per period.

`manage.py run_scheduler` calls `enqueue_due()` and sleeps until the next period starts.
Each period of each job is a row in PeriodicRun inserted in the same transaction as the job,
so any number of schedulers (a restart, two replicas by mistake) enqueue it once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from comments.conf import setting as comments_setting
from newsroom.models import PeriodicRun

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str  # dotted path of a django_tasks task
    every: object  # callable returning a timedelta, read at call time so settings apply

    def period_start(self, now):
        """The start of the period `now` falls in; periods are aligned on a fixed epoch."""
        every = self.every()
        return EPOCH + every * ((now - EPOCH) // every)


SCHEDULE = (
    # The digest announces what the immediate alerts could not (or everything, in digest mode).
    Periodic(
        "comment-digest",
        "comments.tasks.announce_waiting",
        lambda: timedelta(minutes=comments_setting("DIGEST_MINUTES")),
    ),
    Periodic(
        "comment-personal-data-purge",
        "comments.tasks.purge_personal_data",
        lambda: timedelta(days=1),
    ),
)


def enqueue_due(now=None, schedule=SCHEDULE):
    """Enqueue every job whose current period has no run yet; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in schedule:
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, period_start=job.period_start(now))
                import_string(job.task).enqueue()
        except IntegrityError:
            continue  # this period's run is already enqueued, by us or another scheduler
        enqueued.append(job.name)
    return enqueued


def next_due(now=None, schedule=SCHEDULE):
    """When the earliest next period begins."""
    now = now or timezone.now()
    return min(job.period_start(now) + job.every() for job in schedule)
