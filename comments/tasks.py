"""The comments app's background jobs, run by the worker (`manage.py db_worker`)."""

import logging
import smtplib

from django.utils import timezone
from django_tasks import task

from comments.conf import setting
from comments.models import Comment
from comments.notifications import send_waiting
from newsroom.tasks import enqueue_with_transaction, retry_later

logger = logging.getLogger(__name__)


def comment_waiting(comment):
    """Called inside the transaction that files `comment` as pending: the alert joins it."""
    if setting("NOTIFY") == "immediate":
        enqueue_with_transaction(announce_waiting)


@task()
def announce_waiting(attempt=1):
    """Tell moderators about the comments waiting unannounced: the alert and the digest.

    A burst of comments enqueues one job each; the first job announces them all and the
    others find nothing left to claim. When the mail server fails, the comments stay
    unannounced and the job comes back after the back-off (newsroom.tasks.retry_later).
    """
    if setting("NOTIFY") == "off":
        return 0
    try:
        return send_waiting()
    except (smtplib.SMTPException, OSError):  # the mail server down, refusing or timing out
        # A bug (a template error, say) is not retried: it fails the job, logged by the worker.
        logger.exception("Could not email moderators about waiting comments")
        retry_later(announce_waiting, attempt)
        return 0


@task()
def purge_personal_data(days=None):
    """Clear the IP address and browser of comments older than `days` (COMMENTS_PURGE_DAYS)."""
    days = setting("PURGE_DAYS") if days is None else days
    cutoff = timezone.now() - timezone.timedelta(days=days)
    return (
        Comment.objects.filter(created__lt=cutoff)
        .exclude(ip_address=None, user_agent="")
        .update(ip_address=None, user_agent="")
    )
