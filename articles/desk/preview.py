"""Live preview: the story as readers would see it, drawn from the unsaved form.

The editor's "Preview" button posts the whole form here (in a new tab). The view validates it
with the same admin form and inlines a save would use, for the same person (so the same
permissions and the same sanitising: `Article.derive_from_text()` and the text normalisation
every save applies), builds the story and its authors, tags, related stories and corrections
in memory, and renders the reader template through the reader site's `StoryMixin`, as the
staff preview of a saved story does. Nothing is written; the answer is never cached.

Who may: whoever may change the story (reporters: their own unpublished ones), or add one,
for a new story. Moderators and other readers of the desk may not.
"""

from django.core.exceptions import PermissionDenied
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from articles.models import Article, ArticleAuthor, Author, Correction, RelatedLink, Tag
from articles.site.views import StoryMixin, related_stories
from newsroom.http import private_page
from newsroom.slugs import unicode_slug
from newsroom.text import normalise_instance

# An unsaved new story needs a primary key for its relations to be read (from the caches
# below); no story has this one, so any query made with it finds nothing.
UNSAVED_PK = 0


class UnsavedStoryView(StoryMixin, TemplateView):
    """The reader template for an in-memory story (`article`, `related_links`)."""

    preview = True
    article = None
    related_links = ()

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def get_related(self, article):
        return related_stories(article, curated=self.related_links)

    def get_context_data(self, **kwargs):
        self.object = self.article
        return super().get_context_data(
            article=self.article, object=self.article, unsaved_preview=True, **kwargs
        )


def _cached(model, objects):
    """A queryset whose results are `objects`: what prefetch_related leaves on an instance."""
    queryset = model._default_manager.all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    return queryset


def _tags(names, language):
    """Tag objects for the form's names in the story's language: the stored ones, and
    unsaved ones for new names (as a save would make them)."""
    existing = {tag.name: tag for tag in Tag.objects.filter(language=language, name__in=names)}
    return sorted(
        (
            existing.get(name) or Tag(name=name, slug=unicode_slug(name, 100), language=language)
            for name in names
        ),
        key=lambda tag: tag.name,
    )


def _rows(formsets, model):
    """The cleaned rows of the inline of `model` that the form keeps, in the editor's order."""
    rows = []
    for formset in formsets:
        if formset.model is not model:
            continue
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE"):
                rows.append(data)
    return sorted(rows, key=lambda row: row.get("order") or 0) if model is not Correction else rows


def build(form, formsets):
    """The unsaved story with its relations in memory, as a save would store it."""
    article = form.instance
    article.derive_from_text()
    normalise_instance(article)
    authors = [row["author"] for row in _rows(formsets, ArticleAuthor) if row.get("author")]
    corrections = [
        Correction(article=article, date=row.get("date"), text=row.get("text") or "")
        for row in _rows(formsets, Correction)
        if row.get("text")
    ]
    links = [row["target"] for row in _rows(formsets, RelatedLink) if row.get("target")]
    if article.pk is None:
        article.pk = UNSAVED_PK
    article._prefetched_objects_cache = {
        "tags": _cached(Tag, _tags(form.cleaned_data.get("tags") or [], article.language)),
        "authors": _cached(Author, authors),
        "corrections": _cached(Correction, corrections),
    }
    return article, links


def problems(form, formsets):
    """[(where, [messages])] of everything the form and its inlines refuse."""
    found = []
    for name, errors in form.errors.items():
        where = form.fields[name].label if name in form.fields else _("Story")
        found.append((where, list(errors)))
    for formset in formsets:
        title = formset.model._meta.verbose_name_plural
        if formset.non_form_errors():
            found.append((title, list(formset.non_form_errors())))
        for number, errors in enumerate(formset.errors, start=1):
            for name, messages in errors.items():
                found.append((f"{title} {number}: {name}", list(messages)))
    return found


def preview_view(model_admin, request, object_id=None):
    """POST the story form: the reader page of what it holds, or what to fix first."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        stored = None
    else:
        stored = model_admin.get_object(request, str(object_id))
        if stored is None:
            raise Http404("No such story.")
        if not model_admin.has_change_permission(request, stored):
            raise PermissionDenied
    # change=False: the version check is for saves, and nothing is saved here.
    form_class = model_admin.get_form(request, stored, change=False)
    instance = stored if stored is not None else Article(created_by=request.user)
    form = form_class(request.POST, request.FILES, instance=instance)
    form_valid = form.is_valid()
    formsets, _inlines = model_admin._create_formsets(request, form.instance, stored is not None)
    if not (all_valid(formsets) and form_valid):
        context = {
            **model_admin.admin_site.each_context(request),
            "title": _("The preview needs a few fixes"),
            "opts": Article._meta,
            "problems": problems(form, formsets),
        }
        response = render(
            request, "admin/articles/article/preview_errors.html", context, status=400
        )
        return private_page(response)
    article, links = build(form, formsets)
    view = UnsavedStoryView.as_view(article=article, related_links=links)
    # The reader page of the story's edition (its language, direction, dates and names), not
    # of the desk's language, which the staff area speaks.
    with translation.override(article.language):
        response = view(request)
        response.render()
    return private_page(response)
