"""Who else is here: a soft lock on the story being edited, which never blocks anyone.

Opening a story to edit it claims its `EditLock` when nobody holds it, when the holder's page
has not been seen for `DESK_LOCK_SECONDS`, or when it is already ours. Otherwise the page says
"Being edited by <name> since 10:02" and offers to take it over. The editor's page sends a
heartbeat every `DESK_HEARTBEAT_SECONDS`, which keeps the lock (or reclaims an expired one);
when someone took it over, the heartbeat says so, and so does the next save. Reading and saving
are never refused: the version check (articles.desk.conflicts) is what protects a save.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, Value, When
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.desk.conflicts import person, when
from articles.desk.models import EditLock


@dataclass
class Presence:
    holder: object  # the user holding the lock
    since: object  # when they took it
    mine: bool

    def message(self, *, lost=False):
        if self.mine:
            return ""
        if lost:
            return _(
                "%(who)s took this story over at %(time)s. Keep going if you need to: nothing "
                "you typed is lost, and saving shows you what they changed meanwhile."
            ) % {"who": person(self.holder), "time": when(self.since)}
        return _("Being edited by %(who)s since %(time)s.") % {
            "who": person(self.holder),
            "time": when(self.since),
        }

    def as_json(self, *, lost=False):
        return {
            "mine": self.mine,
            "holder": "" if self.holder is None else person(self.holder),
            "since": "" if self.since is None else when(self.since),
            "message": self.message(lost=lost),
        }


def expired_before(now):
    return now - timedelta(seconds=settings.DESK_LOCK_SECONDS)


def claim(article, user, *, take_over=False):
    """Hold `article`'s lock if it is free, expired or ours (any holder's, with `take_over`).

    One UPDATE when the lock is ours already; three queries otherwise, race-free: the insert
    ignores a lock someone else created a moment before, and the read says who won.
    """
    now = timezone.now()
    locks = EditLock.objects.filter(article=article)
    if not take_over:
        locks = locks.filter(Q(user=user) | Q(seen_at__lt=expired_before(now)))
    still_mine = Q(user=user, seen_at__gte=expired_before(now))
    if locks.update(
        user=user, seen_at=now, since=Case(When(still_mine, then=F("since")), default=Value(now))
    ):
        return Presence(holder=user, since=None, mine=True)
    EditLock.objects.bulk_create(
        [EditLock(article=article, user=user, since=now, seen_at=now)], ignore_conflicts=True
    )
    lock = EditLock.objects.select_related("user").get(article=article)
    return Presence(holder=lock.user, since=lock.since, mine=lock.user_id == user.pk)


def current(article, user):
    """Who holds `article` now, for a reader who does not claim it (None: nobody)."""
    now = timezone.now()
    lock = (
        EditLock.objects.select_related("user")
        .filter(article=article, seen_at__gte=expired_before(now))
        .first()
    )
    if lock is None:
        return None
    return Presence(holder=lock.user, since=lock.since, mine=lock.user_id == user.pk)


def release(article, user):
    """Let go of `article` when the editor leaves it (only if they still hold it)."""
    EditLock.objects.filter(article=article, user=user).delete()


def after_save(article, user, *, leaving=False):
    """After `user` saved `article`: their lock is kept fresh (or let go when they leave the
    story, `leaving`); if someone else holds it, what to tell them."""
    mine = EditLock.objects.filter(article=article, user=user)
    if mine.delete()[0] if leaving else mine.update(seen_at=timezone.now()):
        return None
    presence = current(article, user)
    return presence.message(lost=True) if presence else None


# --- Views (ArticleAdmin.get_urls, through articles.desk.editing) --------------------------


def _editable_story(model_admin, request, object_id):
    if request.method != "POST":
        return None, HttpResponseNotAllowed(["POST"])
    article = model_admin.get_object(request, str(object_id))
    if article is None:
        raise Http404("No such story.")
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article, None


def heartbeat_view(model_admin, request, object_id):
    """POST: keep (or reclaim) the lock; says who holds it when someone took it over."""
    article, refused = _editable_story(model_admin, request, object_id)
    if refused:
        return refused
    presence = claim(article, request.user)
    return JsonResponse(presence.as_json(lost=True))


def take_over_view(model_admin, request, object_id):
    """POST: take the story over. JSON for the page's script, else back to the story."""
    article, refused = _editable_story(model_admin, request, object_id)
    if refused:
        return refused
    presence = claim(article, request.user, take_over=True)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(presence.as_json())
    model_admin.message_user(request, _("You have taken the story over."))
    return redirect("admin:articles_article_change", article.pk)


def release_view(model_admin, request, object_id):
    """POST (the page's beacon when the editor leaves without saving): free the lock."""
    article, refused = _editable_story(model_admin, request, object_id)
    if refused:
        return refused
    release(article, request.user)
    return HttpResponse(status=204)
