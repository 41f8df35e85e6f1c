"""The story editor's session, around Django's change form (ArticleAdmin calls these).

What it adds: the version check and the conflict page (conflicts), who else has the story
open (presence), the autosave offer (autosave), the Preview button (preview), the URLs of
their endpoints, and what a save tidies up. The page's script is static/articles/desk-editing.js;
without it the form works as Django's, with the version check and the Preview button.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.forms import ModelChoiceField
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from articles.desk import autosave, conflicts, presence, preview


def urls(model_admin):
    """The endpoints of the editor's page, before the admin's own `<object_id>/` patterns."""
    opts = model_admin.model._meta
    prefix = f"{opts.app_label}_{opts.model_name}"

    def view(function):
        def bound(request, **kwargs):
            return function(model_admin, request, **kwargs)

        return model_admin.admin_site.admin_view(bound)

    return [
        path("autosave/", view(autosave.autosave_view), name=f"{prefix}_autosave_new"),
        path(
            "autosave/discard/",
            view(autosave.discard_view),
            name=f"{prefix}_autosave_discard_new",
        ),
        path("preview/", view(preview.preview_view), name=f"{prefix}_preview_new"),
        path("<int:object_id>/autosave/", view(autosave.autosave_view), name=f"{prefix}_autosave"),
        path(
            "<int:object_id>/autosave/discard/",
            view(autosave.discard_view),
            name=f"{prefix}_autosave_discard",
        ),
        path("<int:object_id>/preview/", view(preview.preview_view), name=f"{prefix}_preview"),
        path(
            "<int:object_id>/presence/", view(presence.heartbeat_view), name=f"{prefix}_presence"
        ),
        path(
            "<int:object_id>/take-over/", view(presence.take_over_view), name=f"{prefix}_take_over"
        ),
        path("<int:object_id>/release/", view(presence.release_view), name=f"{prefix}_release"),
    ]


def _url(name, obj=None):
    if obj is None:
        return reverse(f"admin:articles_article_{name}_new")
    return reverse(f"admin:articles_article_{name}", args=[obj.pk])


def _choice_labels(form):
    """{(name, value): text} of the form's chosen foreign keys, so a restored autocomplete
    shows a name (only what validation already fetched: no queries)."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    return {
        (name, str(cleaned[name].pk)): str(cleaned[name])
        for name, form_field in form.fields.items()
        if isinstance(form_field, ModelChoiceField) and cleaned.get(name) is not None
    }


def context(model_admin, request, ctx, obj, add):
    """What the change form template draws around the form (`editing` in its context)."""
    form = ctx["adminform"].form if "adminform" in ctx else None
    may_edit = (
        model_admin.has_add_permission(request)
        if obj is None
        else model_admin.has_change_permission(request, obj)
    )
    info = {"presence": None}
    if obj is not None:
        if may_edit and request.method == "GET":
            info["presence"] = presence.claim(obj, request.user)
        else:
            info["presence"] = presence.current(obj, request.user)
    if not may_edit:
        return info
    conflict = getattr(form, "conflict", None)
    if conflict is not None:
        # The refused form is kept server-side too: a crash on the conflict page loses nothing.
        autosave.store_post(
            request.user,
            obj,
            request.POST,
            conflicts.written_on(request.POST),
            _choice_labels(form),
        )
    offer = None
    if request.method == "GET":
        offer = autosave.offer(autosave.pending(request.user, obj), obj)
    info.update(
        editable=True,
        conflict=conflict,
        controls=conflicts.form_controls(form, obj) if obj is not None else {},
        offer=offer,
        autosave_url=_url("autosave", obj),
        discard_url=_url("autosave_discard", obj),
        preview_url=_url("preview", obj),
        autosave_seconds=settings.DESK_AUTOSAVE_SECONDS,
        heartbeat_seconds=settings.DESK_HEARTBEAT_SECONDS,
    )
    if obj is not None:
        info.update(
            heartbeat_url=_url("presence", obj),
            take_over_url=_url("take_over", obj),
            release_url=_url("release", obj),
        )
    return info


def after_save(model_admin, request, obj, form, add):
    """A saved story: the saver's autosave goes, and they hear about a merge or a takeover."""
    autosave.clear(request.user, obj, new_story=add)
    if add:
        return
    merged = getattr(form, "merged", None)
    if merged:
        model_admin.message_user(
            request,
            _("Merged with the changes saved meanwhile. Theirs: %(theirs)s. Yours: %(mine)s.")
            % {
                "theirs": ", ".join(merged["theirs"]) or "—",
                "mine": ", ".join(merged["mine"]) or "—",
            },
            messages.SUCCESS,
        )
    lost = presence.after_save(obj, request.user, leaving="_continue" not in request.POST)
    if lost:
        model_admin.message_user(request, lost, messages.WARNING)


def keep_theirs(model_admin, request, object_id):
    """The conflict page's "keep theirs": the story stays as stored; the editor's version is
    kept as a revision (and as their autosave). None when this is not that request, or when
    the form has errors: the change view then answers as usual."""
    if (
        request.method != "POST"
        or object_id is None
        or request.POST.get(conflicts.RESOLUTION) != conflicts.KEEP_THEIRS
    ):
        return None
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_change_permission(request, obj):
        return None
    with transaction.atomic():
        form_class = model_admin.get_form(request, obj, change=True)
        form = form_class(request.POST, request.FILES, instance=obj)
        if not form.is_valid():
            return None
        revision = conflicts.keep_as_revision(form.instance, request.user)
        autosave.store_post(
            request.user,
            obj,
            request.POST,
            conflicts.written_on(request.POST),
            _choice_labels(form),
        )
    model_admin.message_user(
        request,
        format_lazy(
            "{} {}",
            _("The story stays as it was saved; nothing of yours was applied."),
            _(
                "Your version is kept as a revision (History: %(time)s) and as your autosave, "
                "which this page offers to restore."
            )
            % {"time": conflicts.when(revision.history_date)},
        ),
        messages.SUCCESS,
    )
    return redirect("admin:articles_article_change", obj.pk)


# What a refused save keeps in a note, as text (the body read as paragraphs).
LOCKED_OUT_FIELDS = ("headline", "standfirst", "body")


def kept_when_locked_out(model_admin, request, object_id):
    """A save refused because the story left this person's hands while they wrote (an editor
    published it or moved it to the trash): what they wrote is kept, as their autosave and as
    an editorial note the desk can read and copy from, and they are told so: never a bare 403.
    None when this is not that request."""
    from articles.desk.diff import html_to_text
    from articles.models import EditorialNote

    if request.method != "POST" or object_id is None:
        return None
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or model_admin.has_change_permission(request, obj):
        return None
    # Only the story's own writer, who could change it when they opened it: anyone else
    # posting to a story not theirs is refused (403) as before, and keeps nothing.
    if obj.created_by_id != request.user.pk or not request.user.has_perm(
        "articles.change_article"
    ):
        return None
    autosave.store_post(request.user, obj, request.POST, conflicts.written_on(request.POST))
    parts = []
    for name in LOCKED_OUT_FIELDS:
        sent = request.POST.get(name, "")
        stored = getattr(obj, name) or ""
        if sent.strip() and sent != stored:
            text = html_to_text(sent) if name == "body" else sent
            label = obj._meta.get_field(name).verbose_name
            parts.append(f"{label}:\n{text}")
    if parts:
        EditorialNote.objects.create(
            article=obj,
            author=request.user,
            text=_("Changes that could not be saved (the story had left the writer's hands):")
            + "\n\n"
            + "\n\n".join(parts),
        )
    messages.warning(
        request,
        _(
            "This story changed while you were writing (it is now “%(status)s”) and you may no "
            "longer change it, so your changes were not saved. They are kept in an editorial "
            "note on the story, for you and the desk."
        )
        % {"status": obj.get_status_display()},
    )
    opts = model_admin.model._meta
    return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
