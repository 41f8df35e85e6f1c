"""Telling moderators that comments wait: right after the commit, or as a digest."""

import logging
import queue
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import connections, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.conf import setting

logger = logging.getLogger(__name__)


def moderator_emails():
    """COMMENTS_NOTIFY_EMAILS when set, otherwise every active user who may moderate."""
    if setting("NOTIFY_EMAILS"):
        return list(setting("NOTIFY_EMAILS"))
    perm = Permission.objects.filter(
        content_type__app_label="comments", codename="moderate_comment"
    ).first()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    query = Q(is_superuser=True)
    if perm is not None:
        query |= Q(groups__permissions=perm) | Q(user_permissions=perm)
    return sorted(set(users.filter(query).values_list("email", flat=True)))


_pending = queue.Queue()
_worker = None
_worker_lock = threading.Lock()


def comment_waiting(comment):
    """Called inside the transaction that files a comment as pending."""
    if setting("NOTIFY") != "immediate":
        return
    pk = comment.pk
    transaction.on_commit(lambda: send_in_background([pk]))


def send_in_background(pks):
    """Hand `pks` to this process's mail thread, so the reader never waits for the mail server.

    A mail server that hangs would otherwise hold the reader's request (and an app server
    worker) for EMAIL_TIMEOUT seconds. One thread per process sends, one mail for whatever
    waits when it gets to it, so a burst of comments takes one database connection and one
    mail. If the process ends before the mail is sent, the comments stay unannounced and
    `send_comment_digest` picks them up.
    """
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="comments-notify", daemon=True)
            _worker.start()
    _pending.put(list(pks))


def _work():
    while True:
        batches = [_pending.get()]
        while True:
            try:
                batches.append(_pending.get_nowait())
            except queue.Empty:
                break
        try:
            send_waiting([pk for batch in batches for pk in batch])
        except Exception:
            logger.exception("Could not announce waiting comments")
        finally:
            connections.close_all()  # this thread's own database connections
            for _batch in batches:
                _pending.task_done()


def wait_for_senders(timeout=10):
    """Block until the mail handed to the background thread so far is sent (tests, shutdown)."""
    deadline = time.monotonic() + timeout
    while _pending.unfinished_tasks and time.monotonic() < deadline:
        time.sleep(0.01)
    return not _pending.unfinished_tasks


def send_waiting(pks=None):
    """Email moderators about waiting comments not yet announced. Never raises.

    Returns how many comments were announced; on a mail failure they stay unannounced, so
    the next digest (or the next comment) picks them up.
    """
    from comments.models import Comment

    comments = Comment.objects.waiting().filter(moderators_notified_at=None)
    if pks is not None:
        comments = comments.filter(pk__in=pks)
    comments = list(comments.select_related("article"))
    recipients = moderator_emails()
    if not comments or not recipients:
        return 0
    context = {
        "comments": comments,
        "queue_url": settings.SITE_URL + reverse("admin:comments_comment_queue"),
        "site_name": settings.SITE_NAME,
    }
    subject = (
        f"[{settings.SITE_NAME}] {len(comments)} comment{'s' if len(comments) != 1 else ''} "
        "waiting for moderation"
    )
    try:
        send_mail(
            subject,
            render_to_string("comments/email/waiting.txt", context),
            None,
            recipients,
        )
    except Exception:
        logger.exception("Could not email moderators about %d waiting comments", len(comments))
        return 0
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
        moderators_notified_at=timezone.now()
    )
    return len(comments)
