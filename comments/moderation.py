"""Every change of a comment's status goes through `set_status`, whoever makes it."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from articles import cache as page_tags
from comments import tasks
from comments.conf import setting
from comments.models import Comment, CommentReport, ModerationEvent

logger = logging.getLogger(__name__)

MODERATE_PERMISSION = "comments.moderate_comment"


def can_moderate(user):
    return bool(user and user.is_active and user.has_perm(MODERATE_PERMISSION))


def set_status(comment, status, *, by=None, note=""):
    """Change `comment` to `status` and record who did it, atomically.

    `by` is the moderator (checked for the moderate permission) or None for the policy.
    A new (unsaved) comment is saved with the status: that is how the policy files it.
    Returns True when something changed. Moderators' decisions clear reader reports.
    """
    status = Comment.Status(status)
    if by is not None and not can_moderate(by):
        raise PermissionDenied("You may not moderate comments.")
    with transaction.atomic():
        if comment.pk is None:  # a new comment, filed by the policy
            from_status = ""
            comment.status = status
            comment.save()
        else:
            locked = Comment.objects.select_for_update().only("status", "reported")
            current = locked.get(pk=comment.pk)
            from_status = current.status
            if from_status == status:
                comment.status = current.status
                return False
            comment.status = status
            fields = {"status": status}
            if by is not None:
                fields["reported"] = False
                comment.reported = False
                comment.reports.filter(resolved=False).update(resolved=True)
            Comment.objects.filter(pk=comment.pk).update(**fields)
            page_tags.comments_changed(comment.article_id)
        ModerationEvent.objects.create(
            comment=comment, actor=by, from_status=from_status, to_status=status, note=note[:255]
        )
        if status == Comment.Status.PENDING and by is None:
            tasks.comment_waiting(comment)
    return True


def approve(comment, *, by=None, note=""):
    return set_status(comment, Comment.Status.APPROVED, by=by, note=note)


def reject(comment, *, by=None, note=""):
    return set_status(comment, Comment.Status.REJECTED, by=by, note=note)


def report(comment, reporter, network=None):
    """Record one reader's report; past the threshold the comment goes back to the queue.

    `reporter` identifies the reader, `network` their connection (by default the reader);
    the threshold counts distinct connections. Returns False when this reader had already
    reported the comment.
    """
    try:
        with transaction.atomic():
            CommentReport.objects.create(
                comment=comment, reporter=reporter, network=network or reporter
            )
    except IntegrityError:
        return False
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        unresolved = current.reports.filter(resolved=False).order_by()
        count = unresolved.values("network").distinct().count()
        threshold = setting("REPORT_THRESHOLD")
        if current.status == Comment.Status.APPROVED and count >= threshold:
            Comment.objects.filter(pk=comment.pk).update(
                reported=True, moderators_notified_at=None
            )
            current.reported = True
            set_status(current, Comment.Status.PENDING, note=f"{count} reader reports")
            comment.status, comment.reported = current.status, True
    return True
