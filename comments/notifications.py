"""Telling moderators that comments wait: right after the commit, or as a digest."""

import logging
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import connections, transaction
from django.db.models import Q
from django.template.loader import render_to_string
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


_senders = []
_senders_lock = threading.Lock()


def comment_waiting(comment):
    """Called inside the transaction that files a comment as pending."""
    if setting("NOTIFY") != "immediate":
        return
    pk = comment.pk
    transaction.on_commit(lambda: send_in_background([pk]))


def send_in_background(pks):
    """`send_waiting(pks)` on a thread of its own, so the reader never waits for the mail server.

    A mail server that hangs would otherwise hold the reader's request (and an app server
    worker) for EMAIL_TIMEOUT seconds. If the process ends before the mail is sent, the
    comments stay unannounced and `send_comment_digest` picks them up.
    """
    thread = threading.Thread(
        target=_send_and_close, args=(pks,), name="comments-notify", daemon=True
    )
    with _senders_lock:
        _senders[:] = [t for t in _senders if t.is_alive()]
        _senders.append(thread)
    thread.start()
    return thread


def _send_and_close(pks):
    try:
        send_waiting(pks)
    except Exception:
        logger.exception("Could not announce waiting comments %s", pks)
    finally:
        connections.close_all()  # this thread's own database connections


def wait_for_senders(timeout=None):
    """Block until the background notifications started so far are done (tests, shutdown)."""
    with _senders_lock:
        threads = list(_senders)
    for thread in threads:
        thread.join(timeout)


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
        "queue_url": f"{settings.SITE_URL}/admin/comments/comment/queue/",
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
