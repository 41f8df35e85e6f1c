"""Background work: how jobs join the transaction that causes them, and how they retry.

Jobs run on Django's tasks API (the django-tasks backport of Django 6's `django.tasks`).
The database backend stores each job as a row, so a job survives a restart of any process.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger(__name__)

# Retry policy for transient failures (a mail server or the storage down): the attempt after
# attempt n waits RETRY_BASE_SECONDS * 2**(n-1), i.e. 1, 2, 4, 8 minutes, then gives up.
RETRY_ATTEMPTS = 5
RETRY_BASE_SECONDS = 60


def enqueue_with_transaction(task, *args, **kwargs):
    """Enqueue `task` so that the job exists exactly when the current transaction commits.

    The database backend writes its row inside this very transaction: a rollback takes the
    job back, and a crash right after the commit cannot lose it. Any other backend (the
    immediate one in tests, a broker) gets the job once the transaction has committed, so
    the job never runs against rows another connection cannot see yet.
    """
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def retry_delay(attempt):
    return timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (attempt - 1))


def retry_later(task, attempt, *args, **kwargs):
    """Enqueue attempt `attempt + 1` of `task` after the back-off; log when none is left.

    Returns True when a retry was enqueued. A backend that cannot defer jobs (the
    immediate backend of the tests) runs the retry at once.
    """
    if attempt >= RETRY_ATTEMPTS:
        logger.error("%s failed %d times; giving up", task.name, attempt)
        return False
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + retry_delay(attempt))
    logger.warning(
        "%s failed (attempt %d); retrying in %s", task.name, attempt, retry_delay(attempt)
    )
    task.enqueue(*args, attempt=attempt + 1, **kwargs)
    return True
