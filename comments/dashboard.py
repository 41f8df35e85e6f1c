"""The comment queues on the desk's dashboard (articles.desk.dashboard), for who moderates.

Registered by `comments.attach.plug_in`: the story app never imports the comments app. Two
panels, comments waiting and comments reported: their counts (one aggregate) and the oldest
few of each, linking to the moderation queue filtered accordingly.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.desk.dashboard import FEW, Entry, Panel, ago, summary
from comments.models import Comment
from comments.moderation import can_moderate


def panels(request, now):
    if not can_moderate(request.user):
        return []
    counts = Comment.objects.aggregate(
        waiting=Count("pk", filter=Q(status=Comment.Status.PENDING)),
        reported=Count("pk", filter=Q(reported=True)),
    )
    waiting = Comment.objects.waiting()
    reported = Comment.objects.filter(reported=True).order_by("created", "pk")
    changelist = reverse("admin:comments_comment_changelist")
    return [
        Panel(
            key="comments-waiting",
            title=_("Comments waiting"),
            summary=summary(
                ngettext(
                    "<strong>{count}</strong> comment waiting",
                    "<strong>{count}</strong> comments waiting",
                    counts["waiting"],
                ),
                counts["waiting"],
            ),
            entries=entries(waiting, counts["waiting"], now),
            links=[
                (reverse("admin:comments_comment_queue"), _("Open the queue")),
                (f"{changelist}?queue=pending", _("All waiting comments")),
            ],
            empty=_("No comment is waiting."),
        ),
        Panel(
            key="comments-reported",
            title=_("Comments reported"),
            summary=summary(
                ngettext(
                    "<strong>{count}</strong> comment reported by readers",
                    "<strong>{count}</strong> comments reported by readers",
                    counts["reported"],
                ),
                counts["reported"],
            ),
            entries=entries(reported, counts["reported"], now),
            links=[(f"{changelist}?queue=reported", _("All reported comments"))],
            empty=_("No comment is reported."),
        ),
    ]


def entries(comments, count, now):
    """The oldest few of `comments` (no query when there are none)."""
    if not count:
        return []
    return [
        Entry(
            title=comment.excerpt,
            url=reverse("admin:comments_comment_change", args=[comment.pk]),
            when=_("%(name)s, %(ago)s") % {"name": comment.name, "ago": ago(comment.created, now)},
            details=_("on “%(story)s”") % {"story": comment.article.headline},
        )
        for comment in comments.select_related("article")[:FEW]
    ]
