"""Editorial notes in the story editor: staff write them, newest first, signed and dated;
an editor sends a story in review back to its reporter with one (workflow.send_back).

Notes are plain text, shown escaped, and only here: nothing a reader gets (pages, feeds,
sitemaps, structured data, search, previews) reads them. A note is kept as written: nobody
edits or deletes one from the desk.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.desk import workflow
from articles.desk.notifications import person
from articles.models import Article, EditorialNote

NOTE_WIDGET = forms.Textarea(attrs={"rows": 3, "cols": 80, "maxlength": 4000, "dir": "auto"})


def notes_on(article):
    """A story's notes, newest first, with their writers: one query."""
    if article is None or article.pk is None:
        return []
    return list(EditorialNote.objects.filter(article=article).select_related("author"))


class NoteFormSet(forms.BaseInlineFormSet):
    """Only new notes: the ones written are shown (`notes`), never edited through the form."""

    user = None  # set per request by EditorialNoteInline.get_formset

    def __init__(self, data=None, *args, prefix=None, **kwargs):
        # A note is optional: a story form posted without the notes box (a script, an older
        # page) saves the story instead of failing on the notes' missing management form.
        name = prefix or self.get_default_prefix()
        if data is not None and f"{name}-TOTAL_FORMS" not in data:
            data = data.copy()
            data[f"{name}-TOTAL_FORMS"] = data[f"{name}-INITIAL_FORMS"] = "0"
        super().__init__(data, *args, prefix=prefix, **kwargs)

    @cached_property
    def notes(self):
        return notes_on(self.instance)

    def save_new(self, form, commit=True):
        form.instance.author = self.user
        return super().save_new(form, commit)


class EditorialNoteInline(admin.StackedInline):
    """Writing a note saves it with the story, so nothing typed in the story is lost."""

    model = EditorialNote
    formset = NoteFormSet
    fields = ("text",)
    extra = 1
    template = "admin/articles/article/editorial_notes.html"
    verbose_name = gettext_lazy("editorial note")
    verbose_name_plural = gettext_lazy("editorial notes (staff only)")

    def get_queryset(self, request):
        return super().get_queryset(request).none()  # the formset adds; the template lists

    def has_add_permission(self, request, obj=None):
        # A note goes with a save of the story: whoever may change the story may add one.
        return super().has_add_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {"text": NOTE_WIDGET}
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user  # a class made for this request
        return formset


def tell_sent_back(request, article):
    """On the editor of a draft that was sent back, say so at the top, with the note."""
    note = EditorialNote.objects.filter(article=article).select_related("author").first()
    if note is None or note.kind != EditorialNote.Kind.SENT_BACK:
        return
    messages.warning(
        request,
        _("Sent back to draft by %(who)s on %(when)s: “%(note)s” (see the editorial notes).")
        % {
            "who": person(note.author),
            "when": date_format(localtime(note.created_at), "DATETIME_FORMAT"),
            "note": note.text if len(note.text) <= 200 else note.text[:199] + "…",
        },
    )


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note to the reporter"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "dir": "auto"}),
        help_text=gettext_lazy(
            "What to change before the story comes back for review. Kept on the story and "
            "mailed to the reporter; readers never see it."
        ),
    )


def send_back_view(model_admin, request, object_id):
    """An editor returns a story in review to its reporter as a draft, with a note."""
    if not workflow.can_publish(request.user):
        raise PermissionDenied
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No such story.")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if article.status != Article.Status.IN_REVIEW:
        model_admin.message_user(
            request, _("Only a story in review can be sent back."), messages.WARNING
        )
        return redirect(change_url)
    form = SendBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.send_back(article, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.log_change(request, article, _("Sent back to draft with a note."))
            model_admin.message_user(
                request,
                _("“%(story)s” is a draft again, with your note for %(reporter)s.")
                % {
                    "story": article,
                    "reporter": person(article.created_by)
                    if article.created_by_id
                    else _("its reporter"),
                },
                messages.SUCCESS,
            )
            return redirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Send the story back to its reporter"),
        "opts": model_admin.model._meta,
        "object": article,
        "reporter": person(article.created_by) if article.created_by_id else None,
        "form": form,
        "notes": notes_on(article),
    }
    return render(request, "admin/articles/article/send_back.html", context)
