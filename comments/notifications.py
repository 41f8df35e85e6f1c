"""Telling moderators that comments wait: one mail per claim of the unannounced ones."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from comments.conf import setting


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


def mail_language(comments):
    """The language of a mail about `comments`: their stories' when they share one (the
    Arabic desk's mail about Arabic comments is in Arabic), else the staff's (LANGUAGE_CODE).
    Each comment's own line speaks its story's language (comments/email/waiting.txt)."""
    languages = {comment.article.language for comment in comments}
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE


def send_waiting():
    """Email moderators one mail about every waiting comment not yet announced.

    Returns how many comments the mail announced. The comments are claimed with
    `SELECT ... FOR UPDATE SKIP LOCKED` and marked announced in the same transaction as the
    send: a second run at the same time (another worker, a retry, the digest) skips them,
    and a failed send rolls the mark back and raises, so they are announced later and never
    lost. Only if the database fails in the instant between the mail server accepting the
    mail and the commit would the next run announce them again: at least once, never lost
    (marking first would trade that for "at most once"). The lock is on the comment rows
    alone, not their stories.
    """
    from comments.models import Comment

    with transaction.atomic():
        comments = list(
            Comment.objects.waiting()
            .filter(moderators_notified_at=None)
            .select_related("article")
            .select_for_update(skip_locked=True, of=("self",))
        )
        recipients = moderator_emails()
        if not comments or not recipients:
            return 0
        context = {
            "comments": comments,
            "queue_url": settings.SITE_URL + reverse("admin:comments_comment_queue"),
            "site_name": settings.SITE_NAME,
        }
        count = len(comments)
        with translation.override(mail_language(comments)):
            subject = f"[{settings.SITE_NAME}] " + ngettext(
                "%(count)s comment waiting for moderation",
                "%(count)s comments waiting for moderation",
                count,
            ) % {"count": count}
            body = render_to_string("comments/email/waiting.txt", context)
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
            moderators_notified_at=timezone.now()
        )
        send_mail(subject, body, None, recipients)
    return len(comments)
