"""What comments attach to, and how they plug into it: the comments app knows the story app,
never the other way round (a test walks articles/ for imports of comments).

A model is registered with the field that switches its comments on and the date field its
closing age counts from, as django-contrib-comments' CommentModerator does; `plug_in()`
(called from CommentsConfig.ready) registers the story and adds what the reader site and the
desk need from comments through the hooks the story app offers: card and page annotations
(ArticleQuerySet.contribute), the permanent-deletion dependants (articles.desk.workflow), the
comment queues on the desk's dashboard (articles.desk.dashboard) and the moderation grants of
the desk roles (comments.roles).
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from comments.conf import setting


@dataclass(frozen=True)
class Attachment:
    enable_field: str  # a BooleanField: comments on or off for this object
    auto_close_field: str  # a DateTimeField: comments close CLOSE_AFTER_DAYS after it

    def is_open(self, obj, now):
        if not getattr(obj, self.enable_field):
            return False
        days = setting("CLOSE_AFTER_DAYS")
        opened = getattr(obj, self.auto_close_field)
        if not days or opened is None:
            return True
        return now < opened + timezone.timedelta(days=days)


_registry = {}


def register(model, *, enable_field, auto_close_field):
    _registry[model] = Attachment(enable_field, auto_close_field)


def comments_open(obj, now=None):
    """Whether readers may comment on `obj`: its switch, then the closing age in settings."""
    return _registry[type(obj)].is_open(obj, now or timezone.now())


def plug_in():
    from django.db.models.signals import post_delete, post_save

    from articles.desk import dashboard, workflow
    from articles.models import Article, ArticleQuerySet
    from articles.site.views import contribute_story_context
    from comments import dashboard as comment_panels
    from comments import roles, thread
    from comments.models import (
        Comment,
        approved_count,
        approved_set_changed_at,
        newest_approved_at,
    )
    from comments.views import REMEMBER_COOKIE
    from newsroom import http

    register(Article, enable_field="comments_enabled", auto_close_field="first_published_at")
    ArticleQuerySet.contribute("card", comment_count=approved_count)
    ArticleQuerySet.contribute(
        "page",
        newest_comment_at=newest_approved_at,
        comments_moderated_at=approved_set_changed_at,
    )
    contribute_story_context(thread.story_context)
    workflow.register_dependants(deletion_summary, delete_comments)
    dashboard.register_panels(comment_panels.panels)
    roles.grant_moderation()
    # A remembered name fills the form: that reader's pages are theirs (never from the cache).
    if REMEMBER_COOKIE not in http.PERSONAL_COOKIES:
        http.PERSONAL_COOKIES.append(REMEMBER_COOKIE)
    for signal in (post_save, post_delete):
        signal.connect(thread_changed, sender=Comment, dispatch_uid="comments.thread_changed")


def thread_changed(sender, instance, raw=False, created=False, **kwargs):
    """A comment saved or removed: its story's comment block (page and cards) is stale.

    A new comment readers cannot see yet (waiting for moderation) changes nothing they see;
    its approval, later, goes through comments.moderation.set_status, which says so.
    """
    from articles import cache as page_tags

    if raw or (created and instance.status != instance.Status.APPROVED):
        return
    page_tags.comments_changed(instance.article_id)


def deletion_summary(article):
    """What a story's permanent deletion takes of comments: [(label, count)]."""
    from comments.models import CommentReport, ModerationEvent

    return [
        (_("comments"), article.comments.count()),
        (_("moderation events"), ModerationEvent.objects.filter(comment__article=article).count()),
        (_("reader reports"), CommentReport.objects.filter(comment__article=article).count()),
    ]


def delete_comments(article):
    # Comment.article is PROTECT, so the story cannot go while a comment holds it: this is the
    # one place that removes them (replies, events and reports cascade).
    article.comments.all().delete()
