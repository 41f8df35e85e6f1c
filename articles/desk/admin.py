"""The story desk: the admin through which editors and reporters produce the paper.

Permissions are enforced here on the server, not by hiding buttons: the queryset a role may
see, object-level change rights, the status choices of the form, the save path and the
actions all go through `articles.desk.workflow`.
"""

import copy

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from articles.desk import (
    editing,
    editions,
    notes,
    revisions,
    tag_admin,  # noqa: F401 - registers the tag admin
    translate,
    workflow,
)
from articles.desk.agenda import SchedulingAdmin
from articles.desk.forms import ArticleAdminForm, AuthorAdminForm, RelatedLinkForm
from articles.desk.media import ImageAdmin  # noqa: F401 - the image library registers itself
from articles.desk.picker import ImagePickerWidget
from articles.desk.story_list import (
    AuthorFilter,
    DeskStatusFilter,
    MineFilter,
    StoryListAdmin,
)
from articles.images import strip_metadata
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    Author,
    AuthorName,
    Correction,
    RelatedLink,
    Section,
    SectionLabel,
)
from newsroom import editions as site_editions
from newsroom.changelists import LargeTableAdmin

# Named in the language each staff member reads the desk in (newsroom.editions), not once at
# import.
admin.site.site_header = lazy(
    lambda: gettext("%(site)s desk") % {"site": settings.SITE_NAME}, str
)()
admin.site.site_title = admin.site.site_header


def _thumbnail(image, width=120):
    if image is None or not image.file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}">',
        image.rendition_url(320),
        image.alt_text,
        width,
    )


def _person(user):
    """A staff member by name, as plain text: the user admin is not every role's page."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


class StoryInline:
    """An inline on a story follows the story: editable only by who may change the story."""

    def _story_editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._story_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._story_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._story_editable(request, obj)


class ArticleAuthorInline(StoryInline, admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ("author",)
    fields = ("author", "order")
    extra = 1
    verbose_name = _("author")
    verbose_name_plural = _("authors (in byline order)")


class RelatedLinkInline(StoryInline, admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    form = RelatedLinkForm
    autocomplete_fields = ("target",)
    fields = ("target", "order", "both_ways")
    extra = 2
    verbose_name_plural = _("related stories (in order; only published ones are shown)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user  # a class made for this request
        return formset

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            # "Two-way" is an instruction for the save, not a stored value: nothing to show.
            fields = [name for name in fields if name != "both_ways"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            # Only stories this user may see, even in a hand-made POST.
            kwargs["queryset"] = workflow.stories_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CorrectionInline(StoryInline, admin.StackedInline):
    model = Correction
    extra = 0
    fields = ("date", "text")


def bulk_action(move, description, permission, done_message):
    """A change-list action that runs `move` (a workflow function) on each selected story and
    says how many moved, and why each refused one did not (ArticleAdmin._run)."""

    @admin.action(description=description, permissions=[permission])
    def action(modeladmin, request, queryset):
        modeladmin._run(request, queryset, move, done_message)

    return action


@admin.register(Article)
class ArticleAdmin(SchedulingAdmin, StoryListAdmin, LargeTableAdmin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    inlines = (ArticleAuthorInline, RelatedLinkInline, CorrectionInline, notes.EditorialNoteInline)
    fieldsets = (
        (
            _("Story"),
            {
                "fields": (
                    "headline",
                    "slug",
                    "standfirst",
                    "body",
                    "story_type",
                    "byline",
                    "source",
                    "dateline",
                )
            },
        ),
        (
            _("Edition"),
            {
                "fields": ("language", "translation_of", "translations", "translation_key"),
                "description": _(
                    "Each language version of a story is a story of its own, with its own "
                    "address, status and comments."
                ),
            },
        ),
        (_("Media"), {"fields": ("lead_image", "lead_image_preview")}),
        (
            _("Relations"),
            {
                "fields": ("section", "tags"),
                "description": _("Authors, related stories and corrections follow the form."),
            },
        ),
        (
            _("Publishing"),
            {
                "fields": (
                    "status",
                    "publish_at",
                    "featured",
                    "priority",
                    "show_updated",
                    "comments_enabled",
                    "first_published_at",
                    "updated_at",
                    "creator",
                    "word_count",
                    "reading_time",
                )
            },
        ),
        (
            _("Search & social"),
            {
                "fields": ("seo_title", "seo_description", "canonical_url", "noindex"),
                "classes": ("collapse",),
            },
        ),
    )
    # Compact columns and the body in search: articles.desk.story_list.
    list_display = ("headline_and_byline", "status_label", "when")
    list_filter = (
        DeskStatusFilter,
        MineFilter,
        AuthorFilter,
        "language",
        "section",
        "story_type",
        "featured",
    )
    search_fields = ("headline", "slug", "standfirst")
    date_hierarchy = "publish_at"
    autocomplete_fields = ("section", "lead_image")
    list_select_related = ("section",)
    prepopulated_fields = {"slug": ("headline",)}
    list_per_page = 50
    # The desk's work first: stories without a publication time (drafts), then the newest.
    ordering = (F("publish_at").desc(nulls_first=True), "-id")
    actions = (
        "publish_selected",
        "unpublish_selected",
        "submit_selected_for_review",
        "trash_selected",
        "restore_selected",
    )
    object_history_list_template = "admin/articles/article/history_list.html"
    object_history_form_template = "admin/articles/article/history_form.html"
    readonly_fields = (
        "translations",
        "translation_key",
        "lead_image_preview",
        "first_published_at",
        "updated_at",
        "creator",
        "word_count",
        "reading_time",
        "body_html",
    )
    # What only editors set: the time (scheduling) and the home-page curation.
    editor_only_fields = ("publish_at", "featured", "priority")

    class Media:
        css = {"all": ("articles/desk.css", "articles/planning.css")}

    # Who sees what
    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).prefetch_related(*Article.objects.card_prefetches())
        )
        return workflow.stories_visible_to(request.user, queryset)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # "Delete" moves a story to the trash (delete_view): an editor's decision.
        return workflow.can_trash(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The site-wide bulk delete would destroy stories: "Move to the trash" replaces it.
        actions.pop("delete_selected", None)
        return actions

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def has_change_history_permission(self, request, obj=None):
        return super().has_change_history_permission(request, obj) and (
            obj is None or self.has_change_permission(request, obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Who may only read the story reads the body as the page shows it, not as markup.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "body_html" if field == "body" else field for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The History button only for who may open it (simple-history answers 403 otherwise).
        context["has_history_permission"] = obj is not None and (
            self.has_view_history_or_change_history_permission(request, obj)
        )
        if obj is not None:
            context["can_send_back"] = workflow.can_send_back(request.user, obj)
            # The other versions, read once for the Edition box and the Translate control;
            # the box names versions this person's desk does not work on, no more.
            obj.desk_versions = list(
                Article.objects.filter(translation_key=obj.translation_key)
                .exclude(pk=obj.pk)
                .only("pk", "language", "headline")
                .order_by("language")
            )
            obj.desk_editions = editions.editions_for(request.user)
            targets = translate.target_languages(
                obj, request.user, taken={other.language for other in obj.desk_versions}
            )
            context["translate_into"] = [
                (code, name)
                for code, name in Article._meta.get_field("language").choices
                if code in targets
            ]
            if request.method == "GET":
                notes.tell_sent_back(request, obj)
        if obj is not None and obj.in_trash:
            context["can_restore"] = workflow.can_trash(request.user)
            context["can_delete_permanently"] = workflow.can_delete_permanently(request.user)
            context["show_delete"] = False  # it is in the trash already
            if request.method == "GET":
                self.message_user(
                    request,
                    _(
                        "This story is in the trash since %(time)s (moved by %(who)s): readers "
                        "cannot see it. Restore it to work on it again."
                    )
                    % {
                        "time": date_format(localtime(obj.trashed_at)),
                        "who": _person(obj.trashed_by),
                    },
                    messages.WARNING,
                )
        context["editing"] = editing.context(self, request, context, obj, add)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not workflow.can_publish(request.user):
            fields = (*fields, *self.editor_only_fields)
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # modelform_factory made this class for this request
        if obj is not None and not self.has_change_permission(request, obj):
            # Django's change view shows such a story as text; simple-history's revision
            # view shows the form, so there every field is disabled (copies: declared fields
            # are shared between requests).
            form.base_fields = {name: copy.copy(field) for name, field in form.base_fields.items()}
            for field in form.base_fields.values():
                field.disabled = True
        form.check_version = change  # the change view refuses a stale save (editing)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_image":
            # Thumbnails in the results (articles.desk.picker); still an autocomplete field.
            kwargs["widget"] = ImagePickerWidget(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        kept = editing.keep_theirs(self, request, object_id) or editing.kept_when_locked_out(
            self, request, object_id
        )
        return kept or super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        workflow.check_save(request.user, obj)
        super().save_model(request, obj, form, change)
        editing.after_save(self, request, obj, form, add=not change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        linked_back = []
        for formset in formsets:
            if formset.model is not RelatedLink:
                continue
            for link_form in formset.forms:
                data = getattr(link_form, "cleaned_data", None) or {}
                if data.get("both_ways") and data.get("target") and not data.get("DELETE"):
                    target = data["target"]
                    if not target.related_links.filter(target=article).exists():
                        target.relate(article)
                        linked_back.append(target.pk)
        # This save's revision holds the tags and inlines saved after the story; a story
        # linked back gets a revision of its own.
        revisions.record_after_save(article)
        if linked_back:
            reason = _("Related story added from “%(story)s”") % {"story": article}
            revisions.record_revisions(linked_back, by=request.user, reason=reason)

    def view_on_site(self, obj):
        """The reader URL once live; the staff-only preview for drafts and scheduled stories."""
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("articles:preview", kwargs={"pk": obj.pk})

    # Columns (the list's own are in articles.desk.story_list)
    @admin.display(description=_("created by"))
    def creator(self, obj):
        return _person(obj.created_by)

    @admin.display(description=_("body"))
    def body_html(self, obj):
        # Stored sanitised: Article.save() runs the allow-list on every save.
        return mark_safe(f'<div class="story-body">{obj.body}</div>')  # noqa: S308

    @admin.display(description=_("other languages"))
    def translations(self, obj):
        """The story's versions in other languages, each linked to its form."""
        if obj is None or obj.pk is None:
            return "—"
        others = getattr(obj, "desk_versions", None)
        if others is None:
            others = Article.objects.filter(translation_key=obj.translation_key).exclude(pk=obj.pk)
            others = list(others.only("pk", "language", "headline").order_by("language"))
        reachable = getattr(obj, "desk_editions", None)
        links = format_html_join(
            ", ",
            '<a href="{}" lang="{}" dir="auto">{}</a> ({})',
            (
                (
                    reverse("admin:articles_article_change", args=[other.pk]),
                    other.language,
                    other.headline,
                    other.get_language_display(),
                )
                for other in others
                if reachable is None or other.language in reachable
            ),
        )
        elsewhere = [
            other.get_language_display()
            for other in others
            if reachable is not None and other.language not in reachable
        ]
        if elsewhere:
            other_desks = _("%(languages)s (another desk's)") % {"languages": ", ".join(elsewhere)}
            links = format_html("{}{}{}", links, ", " if links else "", other_desks)
        return links or "—"

    @admin.display(description=_("lead image preview"))
    def lead_image_preview(self, obj):
        return _thumbnail(obj.lead_image, width=240)

    # Revisions: simple-history lists and reverts them; this compares any two.
    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{opts.app_label}_{opts.model_name}_compare",
        )
        trash_views = [
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{opts.app_label}_{opts.model_name}_restore",
            ),
            path(
                "<path:object_id>/delete-permanently/",
                self.admin_site.admin_view(self.delete_permanently_view),
                name=f"{opts.app_label}_{opts.model_name}_delete_permanently",
            ),
        ]
        send_back = path(
            "<path:object_id>/send-back/",
            self.admin_site.admin_view(
                lambda request, object_id: notes.send_back_view(self, request, object_id)
            ),
            name=f"{opts.app_label}_{opts.model_name}_send_back",
        )
        translate_view = path(
            "<path:object_id>/translate/",
            self.admin_site.admin_view(self.translate_view),
            name=f"{opts.app_label}_{opts.model_name}_translate",
        )
        return [
            compare,
            *trash_views,
            send_back,
            translate_view,
            *editing.urls(self),
            *super().get_urls(),
        ]

    def get_historical_record_context_helper(self, request, historical_record):
        return revisions.RevisionContext(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for newer, older in zip(records, records[1:], strict=False):
            newer.history_delta_changes = [
                *getattr(newer, "history_delta_changes", []),
                *revisions.relation_changes(older, newer),
            ]

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to a revision of a story this user may not open (another
        # edition's, a colleague's draft): only the stories they may see have a history here.
        self._story_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        article = self._story_or_404(request, object_id)
        # simple-history lets anyone who may *view* revisions post the revert form.
        if request.method == "POST" and not self.has_change_history_permission(request, article):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def compare_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        if not self.has_view_history_or_change_history_permission(request, article):
            raise PermissionDenied
        history = article.history.all()
        try:
            old = history.get(pk=int(request.GET["old"]))
            new = history.get(pk=int(request.GET["new"])) if "new" in request.GET else history[0]
        except (KeyError, ValueError, history.model.DoesNotExist) as error:
            raise Http404("Choose two revisions of this story.") from error
        if old.history_date > new.history_date:
            old, new = new, old
        rows, relations_recorded = revisions.compare(old, new)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare revisions: %(story)s") % {"story": article},
            "opts": self.model._meta,
            "object": article,
            "old": old,
            "new": new,
            "rows": rows,
            "relations_recorded": relations_recorded,
            "can_revert": not self.revert_disabled(request, article),
        }
        return render(request, "admin/articles/article/compare.html", context)

    # The trash: "delete" moves a story there; only a superuser deletes one for good.
    def _story_or_404(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        return article

    def _trash_context(self, request, article, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": article,
            "comment_count": article.comments.count(),
            **extra,
        }

    def delete_view(self, request, object_id, extra_context=None):
        """Django's delete page, turned into "Move to the trash": reversible, comments kept."""
        article = self._story_or_404(request, object_id)
        if not self.has_delete_permission(request, article):
            raise PermissionDenied
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        if article.in_trash:
            self.message_user(request, _("The story is already in the trash."), messages.INFO)
            return redirect(change_url)
        if request.method == "POST":
            workflow.trash(article, by=request.user)
            self.log_change(request, article, _("Moved to the trash."))
            self.message_user(
                request,
                format_html(
                    _(
                        '“{story}” is in the trash: readers no longer see it. <a href="{url}">Restore it</a> from the story\'s page.'
                    ),
                    story=article,
                    url=change_url,
                ),
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_changelist")
        context = self._trash_context(request, article, title=_("Move the story to the trash?"))
        return render(request, "admin/articles/article/trash_confirmation.html", context)

    def restore_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not workflow.can_trash(request.user):
            raise PermissionDenied
        article = self._story_or_404(request, object_id)
        try:
            workflow.restore(article, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.WARNING)
        else:
            self.log_change(request, article, _("Restored from the trash."))
            self.message_user(
                request,
                _("“%(story)s” is restored as “%(status)s”.")
                % {"story": article, "status": article.get_status_display()},
                messages.SUCCESS,
            )
        return redirect("admin:articles_article_change", article.pk)

    def delete_permanently_view(self, request, object_id):
        """Superusers only: show everything that goes with the story, then destroy it."""
        if not workflow.can_delete_permanently(request.user):
            raise PermissionDenied
        article = self._story_or_404(request, object_id)
        if not article.in_trash:
            self.message_user(request, _("Move the story to the trash first."), messages.WARNING)
            return redirect("admin:articles_article_change", article.pk)
        if request.method == "POST":
            with transaction.atomic():
                self.log_deletions(request, [article])
                workflow.delete_permanently(article, by=request.user)
            self.message_user(
                request,
                _("“%(story)s” is deleted permanently.") % {"story": article},
                messages.SUCCESS,
            )
            return redirect(
                reverse("admin:articles_article_changelist") + f"?status={Article.Status.TRASHED}"
            )
        context = self._trash_context(
            request,
            article,
            title=_("Delete the story permanently?"),
            destroyed=workflow.permanent_deletion_summary(article),
        )
        return render(request, "admin/articles/article/delete_permanently.html", context)

    # Translate: a linked draft in another edition (articles.desk.translate)
    def translate_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._story_or_404(request, object_id)
        try:
            started = translate.translate(
                article, request.POST.get("language", ""), by=request.user
            )
        except (PermissionDenied, ValidationError) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(request, reason, messages.ERROR)
            return redirect("admin:articles_article_change", article.pk)
        draft = started.article
        self.log_addition(
            request, draft, _("Translation of “%(story)s”.") % {"story": article.headline}
        )
        self.log_change(
            request,
            article,
            _("%(language)s translation started: “%(story)s”.")
            % {"language": draft.get_language_display(), "story": draft.headline},
        )
        self.message_user(request, started.summary(), messages.SUCCESS)
        return redirect("admin:articles_article_change", draft.pk)

    # Actions
    def _run(self, request, queryset, action, done_message):
        done, refused = 0, []
        for article in queryset.select_related(None):
            try:
                action(article, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                refused.append((article, error))
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for article, error in refused:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(request, f"“{article}”: {reason}", messages.WARNING)

    publish_selected = bulk_action(
        workflow.publish,
        _("Publish selected stories"),
        "publish",
        lambda n: ngettext("%d story published.", "%d stories published.", n) % n,
    )
    unpublish_selected = bulk_action(
        workflow.unpublish,
        _("Unpublish selected stories"),
        "publish",
        lambda n: ngettext("%d story unpublished.", "%d stories unpublished.", n) % n,
    )
    trash_selected = bulk_action(
        workflow.trash,
        _("Move selected stories to the trash"),
        "delete",
        lambda n: (
            ngettext(
                "%d story moved to the trash: readers no longer see it.",
                "%d stories moved to the trash: readers no longer see them.",
                n,
            )
            % n
        ),
    )
    restore_selected = bulk_action(
        workflow.restore,
        _("Restore selected stories from the trash"),
        "delete",
        lambda n: ngettext("%d story restored.", "%d stories restored.", n) % n,
    )
    submit_selected_for_review = bulk_action(
        workflow.submit_for_review,
        _("Submit selected stories for review"),
        "change",
        lambda n: (
            ngettext("%d story submitted for review.", "%d stories submitted for review.", n) % n
        ),
    )


class EditionLabelInline(editions.DeskEditionsAdmin, admin.TabularInline):
    """The names of a section or an author in the editions beyond the default one ("Names in
    other editions"). They are part of the object: whoever may change it may change them, and
    whoever may only view it sees them read-only (no permission of their own to grant)."""

    extra = 0
    verbose_name = _("name in another edition")  # the heading when one edition is left
    verbose_name_plural = _("Names in other editions")

    def get_max_num(self, request, obj=None, **kwargs):
        return len(site_editions.other_choices())  # one a non-default edition

    def _parent_may(self, request, action):
        meta = self.parent_model._meta
        return request.user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")

    def has_view_permission(self, request, obj=None):
        return self._parent_may(request, "view") or self._parent_may(request, "change")

    def has_add_permission(self, request, obj=None):
        return self._parent_may(request, "change")

    def has_change_permission(self, request, obj=None):
        return self._parent_may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._parent_may(request, "change")


class SectionLabelInline(EditionLabelInline):
    model = SectionLabel
    fields = ("language", "name", "description")


class AuthorNameInline(EditionLabelInline):
    model = AuthorName
    fields = ("language", "name")


class EditionLabelsAdmin(admin.ModelAdmin):
    """An admin whose object has names per edition: their inline while there are editions
    beyond the default one."""

    def get_inlines(self, request, obj):
        return self.inlines if site_editions.other_choices() else ()


@admin.register(Section)
class SectionAdmin(EditionLabelsAdmin):
    list_display = ("name", "slug", "order", "story_count")
    list_editable = ("order",)
    search_fields = ("name", "labels__name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (SectionLabelInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count("articles"))
            .order_by("order", "name")
        )

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


@admin.register(Author)
class AuthorAdmin(EditionLabelsAdmin):
    form = AuthorAdminForm
    list_display = ("name", "portrait", "expertise", "user")
    list_select_related = ("user",)
    search_fields = ("name", "labels__name", "expertise")
    inlines = (AuthorNameInline,)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("portrait",)
    fields = ("name", "slug", "user", "photo", "portrait", "bio", "expertise")

    def save_model(self, request, obj, form, change):
        if "photo" in form.changed_data and obj.photo:
            obj.photo = strip_metadata(obj.photo)  # the same care as story pictures
        super().save_model(request, obj, form, change)

    @admin.display(description=_("photo"))
    def portrait(self, obj):
        if not obj.photo:
            return "—"
        return format_html('<img src="{}" alt="" width="48" height="48">', obj.photo.url)


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_path", "article", "created_at")
    list_select_related = ("article",)
    search_fields = ("old_path", "article__headline")
    autocomplete_fields = ("article",)
