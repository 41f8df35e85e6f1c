"""Autosave: the unsaved content of an open story form, kept on the server.

While a story (or a new one) is open, the page's script posts the form's content every
`DESK_AUTOSAVE_SECONDS` when it changed. It is kept as one `Autosave` row per person and
story, overwritten each time: never published, never a revision. Reopening the story offers
to restore it (the script fills the form) or discard it; an autosave made on an older
version than the stored one says so, and restoring it sets the form back to that version, so
saving shows what changed meanwhile (articles.desk.conflicts). A save of the story removes the
saver's autosave. Without JavaScript nothing is autosaved and the form works as before.
"""

import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.desk.conflicts import BASE_VERSION, OPENED_TAGS, PICK, RESOLUTION, VERSION, when
from articles.desk.models import Autosave

MAX_FIELDS = 2000
MAX_NAME = 200
# Not form content: the CSRF token, the conflict controls, the submit buttons.
SKIPPED = {"csrfmiddlewaretoken", VERSION, BASE_VERSION, OPENED_TAGS, RESOLUTION}


def keep(name):
    return name not in SKIPPED and not name.startswith((PICK, "_")) and "__prefix__" not in name


def store(user, article, fields, version):
    """Keep `fields` ([[name, value, label], ...]) as `user`'s autosave of `article`."""
    now = timezone.now()
    fields = [
        [str(name)[:MAX_NAME], str(value), str(label)]
        for name, value, label in fields[:MAX_FIELDS]
        if keep(str(name))
    ]
    autosave, _created = Autosave.objects.update_or_create(
        user=user,
        article=article,
        defaults={"fields": fields, "version": version, "saved_at": now},
    )
    return autosave


def store_post(user, article, post, version, labels=None):
    """Keep a POSTed form (a refused save) as the editor's autosave: nothing typed is lost."""
    labels = labels or {}
    fields = [
        [name, value, labels.get((name, value), "")]
        for name, values in post.lists()
        for value in values
    ]
    return store(user, article, fields, version)


def pending(user, article):
    """`user`'s autosave of `article` (None: a new story), if any."""
    return Autosave.objects.filter(user=user, article=article).first()


def clear(user, article, *, new_story=False):
    """A save of `article` by `user` makes their autosave of it (or of a new story) moot."""
    Autosave.objects.filter(user=user, article=article).delete()
    if new_story:
        Autosave.objects.filter(user=user, article=None).delete()


def offer(autosave, article):
    """What the page says about an autosave found on opening (None: nothing to offer)."""
    if autosave is None:
        return None
    older = article is not None and (autosave.version or 0) < article.version
    note = ""
    if older:
        note = _(
            "The story has been saved since (it is now at version %(now)s; your changes were "
            "made on version %(then)s). Restoring puts your text back in the form; saving then "
            "shows you what changed meanwhile, field by field."
        ) % {"now": article.version, "then": autosave.version or "—"}
    return {
        "saved_at": when(autosave.saved_at),
        "older": older,
        "note": note,
        "version": autosave.version,
    }


# --- Views (ArticleAdmin.get_urls, through articles.desk.editing) --------------------------


def _story(model_admin, request, object_id):
    """The story the autosave belongs to (None: a new story), if `request.user` may edit it."""
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    article = model_admin.get_object(request, str(object_id))
    if article is None:
        raise Http404("No such story.")
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article


def autosave_view(model_admin, request, object_id=None):
    """GET: the autosave's fields (to restore them); POST: store the form's content, sent as
    JSON (`{"fields": [[name, value, label], ...], "version": n}`) or in a `payload` field."""
    article = _story(model_admin, request, object_id)
    if request.method == "GET":
        autosave = pending(request.user, article)
        if autosave is None:
            raise Http404("Nothing autosaved.")
        return JsonResponse(
            {
                "fields": autosave.fields,
                "version": autosave.version,
                "saved_at": when(autosave.saved_at),
            }
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        # JSON from the page's timer; a form field from its beacon when the page is left.
        if request.content_type == "application/json":
            payload = json.loads(request.body)
        else:
            payload = json.loads(request.POST.get("payload", ""))
        fields = payload["fields"]
        if not isinstance(fields, list) or not all(
            isinstance(item, list) and len(item) == 3 for item in fields
        ):
            raise ValueError("fields")
        version = payload.get("version")
        version = int(version) if version not in (None, "") else None
    except RequestDataTooBig:
        return JsonResponse({"error": _("The form is too large to autosave.")}, status=413)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Not an autosave.")}, status=400)
    if article is None:
        version = None
    try:
        with transaction.atomic():
            autosave = store(request.user, article, fields, version)
    except IntegrityError:  # the story was deleted a moment ago
        return JsonResponse({"error": _("The story no longer exists.")}, status=404)
    return JsonResponse({"saved_at": when(autosave.saved_at)})


def discard_view(model_admin, request, object_id=None):
    """POST: forget the autosave. JSON for the page's script, else back to the form."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _story(model_admin, request, object_id)
    clear(request.user, article)
    if "application/json" in request.headers.get("Accept", ""):
        return HttpResponse(status=204)
    model_admin.message_user(request, _("The autosaved changes are discarded."))
    if article is None:
        return redirect("admin:articles_article_add")
    return redirect("admin:articles_article_change", article.pk)
