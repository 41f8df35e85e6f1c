"""The editorial workflow: who may move a story where, as plain functions.

The admin's form, save path and actions all call these, and so do the tests, so a rule is
written once. The rules:

- Editors (``articles.publish_article``) may do anything to any story: publish now,
  schedule (`schedule`: published with a future publication time), unpublish, send back to
  draft. Sending a story in review back to its reporter takes a note saying why
  (`send_back`), kept on the story.
- Reporters may add stories and change *their own* stories while they are a draft or in
  review and have never been published; they may set only those two statuses (submitting for
  review is setting "in review"). A story that has ever gone live is the editors' alone, and
  so is a story someone else created. Reporters keep editing a story they submitted until an
  editor publishes it: the desk sees the latest copy, and an editor can still send it back.
- Everyone else with only view permissions (moderators) reads and changes nothing.
- A desk limited to some editions (articles.desk.editions: an "Arabic desk") sees, changes,
  publishes and writes only stories of those editions; every rule below adds that one.
- Deleting a story is an editor's decision and moves it to the trash: hidden from readers (its
  status is "In trash", so `Article.objects.published()` leaves it out everywhere), read-only,
  its comments and revisions kept. Restoring brings it back in the status it had, at the same
  address. Only a superuser can delete a story permanently, and only from the trash.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.desk import editions
from articles.models import Article, EditorialNote, RelatedLink

PUBLISH_PERMISSION = "articles.publish_article"
REPORTER_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def can_trash(user):
    """Move stories to the trash and restore them: editors, through the delete permission."""
    return can_publish(user) and user.has_perm("articles.delete_article")


def can_delete_permanently(user):
    return user.is_active and user.is_superuser


def stories_visible_to(user, queryset=None):
    """The stories a staff user may open in the admin (and preview).

    Editors and read-only roles see every story; reporters see their own and what readers
    can see (so they can relate to it), never a colleague's unpublished draft. A desk limited
    to some editions sees only those editions' stories.
    """
    queryset = Article.objects.all() if queryset is None else queryset
    queryset = editions.restrict(user, queryset)
    if can_publish(user) or not user.has_perm("articles.change_article"):
        return queryset if user.has_perm("articles.view_article") else queryset.none()
    return queryset.filter(Q(created_by=user) | Q(pk__in=Article.objects.published().values("pk")))


def can_edit(user, article=None):
    """May `user` change `article` (or stories in general, when `article` is None)?"""
    if not user.has_perm("articles.change_article"):
        return False
    if article is not None and article.in_trash:
        return False  # read-only until restored, for everyone
    if article is not None and not editions.allows(user, article.language):
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
    """The statuses a user may choose in the form (the trash is reached by deleting)."""
    if not can_publish(user):
        return list(REPORTER_STATUSES)
    return [status for status in Article.Status if status != Article.Status.TRASHED]


def check_save(user, article):
    """Refuse a save the workflow does not allow; the form says so first, this makes sure."""
    if article.pk is not None:
        stored = Article.objects.filter(pk=article.pk).first()
        if stored is not None and not can_edit(user, stored):
            raise PermissionDenied(_("You may not change this story."))
    elif not user.has_perm("articles.add_article"):
        raise PermissionDenied(_("You may not add stories."))
    editions.check(user, article)  # the language it is saved in, posted or not
    if article.status not in allowed_statuses(user):
        raise PermissionDenied(_("Only an editor can publish, schedule or unpublish a story."))


def slug_clash(article):
    """Another story of its edition published on the date this one would take already uses
    its slug?"""
    if article.status != Article.Status.PUBLISHED:
        return None
    pub_date = timezone.localdate(article.first_publication_time())
    same_address = Article.objects.filter(
        language=article.language, pub_date=pub_date, slug=article.slug
    )
    return same_address.exclude(pk=article.pk).first()


def _save(article, by):
    article._history_user = by
    article.save()


def _refuse_in_trash(article):
    if article.in_trash:
        raise ValidationError(_("The story is in the trash: restore it first."))


def publish(article, *, by):
    """Publish now, or keep a future publication time (a scheduled story stays scheduled)."""
    if not can_publish(by):
        raise PermissionDenied(_("Only an editor can publish a story."))
    editions.check(by, article)
    _refuse_in_trash(article)
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


def schedule(article, when, *, by):
    """Publish at `when`, a future time: the story is "Scheduled" until then, and readers see
    it from that moment on by itself (`Article.objects.published()` compares the time; no job
    runs). A live story is unpublished first: scheduling it would take it off the site."""
    if not can_publish(by):
        raise PermissionDenied(_("Only an editor can schedule a story."))
    editions.check(by, article)
    _refuse_in_trash(article)
    if when is None or when <= timezone.now():
        raise ValidationError(
            _("Choose a time in the future (to publish now, set the status to Published).")
        )
    if article.is_published:
        raise ValidationError(
            _("The story is live: unpublish it first if it should go live again later.")
        )
    article.status = Article.Status.PUBLISHED
    article.publish_at = when
    if slug_clash(article):
        raise ValidationError(
            _("Another story published that day has the slug “%(slug)s”.") % {"slug": article.slug}
        )
    _save(article, by)
    return article


def unpublish(article, *, by):
    if not can_publish(by):
        raise PermissionDenied(_("Only an editor can unpublish a story."))
    editions.check(by, article)
    _refuse_in_trash(article)
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


def can_send_back(user, article):
    return can_publish(user) and article.status == Article.Status.IN_REVIEW


def send_back(article, *, by, note):
    """Return a story in review to its reporter as a draft, with a note saying why.

    The note is kept on the story (an editorial note of kind "sent back"); the reporter is
    told by mail (articles.desk.notifications). Returns the note.
    """
    if not can_publish(by):
        raise PermissionDenied(_("Only an editor can send a story back."))
    editions.check(by, article)
    text = (note or "").strip()
    if not text:
        raise ValidationError(_("Write a note: the reporter needs to know what to change."))
    with transaction.atomic():
        stored = Article.objects.select_for_update().get(pk=article.pk)
        if stored.status != Article.Status.IN_REVIEW:
            raise ValidationError(_("Only a story in review can be sent back."))
        # The locked row is saved, not the caller's copy: nothing saved meanwhile is undone.
        stored.status = article.status = Article.Status.DRAFT
        _save(stored, by)
        return EditorialNote.objects.create(
            article=stored, author=by, text=text, kind=EditorialNote.Kind.SENT_BACK
        )


def trash(article, *, by):
    """Move a story to the trash: off every reader page at once, kept whole for a restore."""
    if not can_trash(by):
        raise PermissionDenied(_("Only an editor can move a story to the trash."))
    editions.check(by, article)
    if article.in_trash:
        raise ValidationError(_("The story is already in the trash."))
    article.status_before_trash = article.status
    article.status = Article.Status.TRASHED
    article.trashed_at = timezone.now()
    article.trashed_by = by
    _save(article, by)
    return article


def restore(article, *, by):
    """Bring a story back from the trash in the status it had, at the address it had.

    A published story is live again at once (a scheduled one keeps its time), a draft is a
    draft again: the editor restoring undoes a deletion, nothing more. Its address cannot have
    been taken meanwhile, since the trashed story kept its date and slug.
    """
    if not can_trash(by):
        raise PermissionDenied(_("Only an editor can restore a story from the trash."))
    editions.check(by, article)
    if not article.in_trash:
        raise ValidationError(_("The story is not in the trash."))
    article.status = article.status_before_trash or Article.Status.DRAFT
    article.status_before_trash = ""
    article.trashed_at = None
    article.trashed_by = None
    _save(article, by)
    return article


# What other apps keep hanging on a story, destroyed with it for good: (summary, destroy)
# pairs, registered from their AppConfig.ready (the comments app registers its comments).
# summary(article) -> [(label, count)]; destroy(article) removes the rows inside the
# transaction, before the story goes.
DEPENDANTS = []


def register_dependants(summary, destroy):
    if (summary, destroy) not in DEPENDANTS:
        DEPENDANTS.append((summary, destroy))


def permanent_deletion_summary(article):
    """What deleting `article` for good destroys besides the story itself: [(label, count)].

    What other apps keep on it first (DEPENDANTS: its comments, with their replies,
    moderation events and reader reports), then its revisions, corrections, old addresses and
    related links both ways. Images stay: they are shared, and the image library is where
    they are deleted.
    """
    links = RelatedLink.objects.filter(Q(article=article) | Q(target=article))
    return [
        *(entry for summary, _destroy in DEPENDANTS for entry in summary(article)),
        (_("revisions"), Article.history.filter(id=article.pk).count()),
        (_("editorial notes"), article.editorial_notes.count()),
        (_("corrections"), article.corrections.count()),
        (_("old addresses"), article.redirects.count()),
        (_("related-story links"), links.count()),
    ]


def delete_permanently(article, *, by):
    """Destroy a story in the trash with everything `permanent_deletion_summary` lists."""
    if not can_delete_permanently(by):
        raise PermissionDenied(_("Only a superuser can delete a story permanently."))
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if not article.in_trash:
            raise ValidationError(_("Move the story to the trash first."))
        pk = article.pk
        for _summary, destroy in DEPENDANTS:
            destroy(article)
        article.delete()
        Article.history.filter(id=pk).delete()  # the "deleted" revision simple-history just made
