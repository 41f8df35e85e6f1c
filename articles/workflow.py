"""The editorial workflow: who may move a story where, as plain functions.

The admin's form, save path and actions all call these, and so do the tests, so a rule is
written once. The rules:

- Editors (``articles.publish_article``) may do anything to any story: publish now,
  schedule (a future publication time), unpublish, send back to draft.
- Reporters may add stories and change *their own* stories while they are a draft or in
  review and have never been published; they may set only those two statuses (submitting for
  review is setting "in review"). A story that has ever gone live is the editors' alone, and
  so is a story someone else created. Reporters keep editing a story they submitted until an
  editor publishes it: the desk sees the latest copy, and an editor can still send it back.
- Everyone else with only view permissions (moderators) reads and changes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article

PUBLISH_PERMISSION = "articles.publish_article"
REPORTER_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def stories_visible_to(user, queryset=None):
    """The stories a staff user may open in the admin (and preview).

    Editors and read-only roles see every story; reporters see their own and what readers
    can see (so they can relate to it), never a colleague's unpublished draft.
    """
    queryset = Article.objects.all() if queryset is None else queryset
    if can_publish(user) or not user.has_perm("articles.change_article"):
        return queryset if user.has_perm("articles.view_article") else queryset.none()
    return queryset.filter(Q(created_by=user) | Q(pk__in=Article.objects.published().values("pk")))


def can_edit(user, article=None):
    """May `user` change `article` (or stories in general, when `article` is None)?"""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or can_publish(user):
        return True
    return (
        article.pk is not None
        and article.created_by_id == user.pk
        and article.status in REPORTER_STATUSES
        and article.first_published_at is None
    )


def allowed_statuses(user):
    return list(Article.Status) if can_publish(user) else list(REPORTER_STATUSES)


def check_save(user, article):
    """Refuse a save the workflow does not allow; the form says so first, this makes sure."""
    if article.pk is not None:
        stored = Article.objects.filter(pk=article.pk).first()
        if stored is not None and not can_edit(user, stored):
            raise PermissionDenied(_("You may not change this story."))
    elif not user.has_perm("articles.add_article"):
        raise PermissionDenied(_("You may not add stories."))
    if article.status not in allowed_statuses(user):
        raise PermissionDenied(_("Only an editor can publish, schedule or unpublish a story."))


def slug_clash(article):
    """Another story published on the date this one would take already uses its slug?"""
    if article.status != Article.Status.PUBLISHED:
        return None
    pub_date = timezone.localdate(article.first_publication_time())
    return (
        Article.objects.filter(pub_date=pub_date, slug=article.slug).exclude(pk=article.pk).first()
    )


def _save(article, by):
    article._history_user = by
    article.save()


def publish(article, *, by):
    """Publish now, or keep a future publication time (a scheduled story stays scheduled)."""
    if not can_publish(by):
        raise PermissionDenied(_("Only an editor can publish a story."))
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    if article.first_published_at is None and (
        article.publish_at is None or article.publish_at <= now
    ):
        # A draft's old publication time is not when it went live: now is.
        article.publish_at = now
    if slug_clash(article):
        raise ValidationError(
            _("Another story published that day has the slug “%(slug)s”.") % {"slug": article.slug}
        )
    _save(article, by)
    return article


def unpublish(article, *, by):
    if not can_publish(by):
        raise PermissionDenied(_("Only an editor can unpublish a story."))
    article.status = Article.Status.UNPUBLISHED
    _save(article, by)
    return article


def submit_for_review(article, *, by):
    if not can_edit(by, article):
        raise PermissionDenied(_("You may not change this story."))
    if article.status != Article.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    article.status = Article.Status.IN_REVIEW
    _save(article, by)
    return article
