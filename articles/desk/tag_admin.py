"""The tag admin, and the tag suggestions of the story form.

The tags are articles.Tag, one language each. taggit's tag admin is built on: a language
column and filter, a count of stories, the old addresses of merged tags, and "Merge selected
tags into…" (articles.desk.tags.merge) behind the permissions it needs, refused for tags of
different languages. taggit's merge view (a session-held selection and a free-text name,
checked only for staff) is not routed, and taggit's own Tag model is off the admin.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import TagWidget
from taggit.models import Tag as TaggitTag

from articles.desk import editions as desk_editions
from articles.desk import tags, workflow
from articles.models import Tag, TagRedirect
from newsroom import editions

SUGGESTIONS_URL_NAME = "articles_tag_suggestions"


class TagSuggestionsWidget(TagWidget):
    """taggit's comma-separated text input, offering existing tags as one types
    (static/articles/tag-suggestions.js; without JavaScript it is the plain input).

    The script asks for the tags of the language chosen in the story form's language field
    (`data-tag-language-field`, the id of that field's input), so an Arabic story is
    offered Arabic tags only."""

    def __init__(self, attrs=None):
        attrs = {
            "data-tag-suggestions": reverse_lazy(f"admin:{SUGGESTIONS_URL_NAME}"),
            "data-tag-language-field": "id_language",
            "autocomplete": "off",
            **(attrs or {}),
        }
        super().__init__(attrs)

    class Media:
        js = ("articles/tag-suggestions.js",)


class TagMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("The tag that stays; the others become it, and their addresses lead to it."),
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = tags
        self.fields["into"].label_from_instance = lambda tag: (
            ngettext("%(tag)s (%(count)d story)", "%(tag)s (%(count)d stories)", tag.story_count)
            % {"tag": tag.name, "count": tag.story_count}
        )


class TagRedirectInline(admin.TabularInline):
    """The addresses of the tags merged into this one: read-only, shown to who sees the tag."""

    model = TagRedirect
    fields = ("old_address", "created_at")
    readonly_fields = fields
    extra = 0
    verbose_name = _("old address")
    verbose_name_plural = _("old addresses (merged tags; readers are sent here)")

    @admin.display(description=_("old address"))
    def old_address(self, obj):
        with translation.override(obj.language):
            return reverse("articles:tag", kwargs={"slug": obj.old_slug})

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_tag") or request.user.has_perm(
            "articles.change_tag"
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The stories' tags are articles.Tag: taggit's own model stays empty, off the desk.
admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(desk_editions.DeskEditionsAdmin, TaggitTagAdmin):
    inlines = (TagRedirectInline,)
    list_display = ("name", "slug", "language", "story_count")
    list_filter = ("language",)
    ordering = ("language", "name")
    fields = ("name", "slug", "language")
    actions = ("merge_selected",)

    def get_queryset(self, request):
        # DeskEditionsAdmin's: a desk limited to some editions has their tags only.
        return super().get_queryset(request).annotate(story_count=Count("tagged_stories"))

    def get_readonly_fields(self, request, obj=None):
        # A used tag keeps its language: its stories are of that edition.
        if obj is not None and obj.tagged_stories.exists():
            return ("language",)
        return ()

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, obj):
        return obj.story_count

    def get_urls(self):
        suggestions = path(
            "suggestions/",
            self.admin_site.admin_view(self.suggestions_view),
            name=SUGGESTIONS_URL_NAME,
        )
        # admin.ModelAdmin's, not taggit's: its merge view is replaced by merge_selected.
        return [suggestions, *admin.ModelAdmin.get_urls(self)]

    def suggestions_view(self, request):
        """`?q=ho` → {"results": [{"name": "Housing", "slug": "housing", "uses": 12}, ...]}:
        for who writes stories, from the stories they may see (never a colleague's draft)."""
        if not (
            request.user.has_perm("articles.add_article")
            or request.user.has_perm("articles.change_article")
        ):
            raise PermissionDenied
        language = request.GET.get("language")
        if language not in editions.codes():
            language = editions.default()  # the story form's default language
        stories = workflow.stories_visible_to(request.user)
        found = tags.suggest(request.GET.get("q", ""), stories=stories, language=language)
        return JsonResponse({"results": found})

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description=_("Merge selected tags into…"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        if not self.has_merge_permission(request):
            raise PermissionDenied  # Django offers the action only to them; a crafted post
        selected = queryset.order_by("name")
        if len(selected) < 2:
            self.message_user(request, _("Choose at least two tags to merge."), messages.WARNING)
            return None
        languages = {tag.language for tag in selected}
        if len(languages) > 1:
            self.message_user(
                request,
                _(
                    "Tags of different languages cannot be merged: each edition's stories "
                    "carry their own language's tags. Choose tags of one language."
                ),
                messages.ERROR,
            )
            return None
        form = TagMergeForm(
            request.POST if "merge" in request.POST else None,
            tags=selected,
            initial={"into": max(selected, key=lambda tag: tag.story_count)},  # the most used
        )
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            merged = [tag for tag in selected if tag.pk != into.pk]
            names = ", ".join(f"“{tag.name}”" for tag in merged)
            with transaction.atomic():
                LogEntry.objects.log_actions(
                    request.user.pk,
                    merged,
                    DELETION,
                    change_message=_("Merged into “%(tag)s”.") % {"tag": into.name},
                )
                count = tags.merge(merged, into, by=request.user)
                self.log_change(
                    request,
                    into,
                    _("Merged %(tags)s into this tag (%(count)d stories).")
                    % {"tags": names, "count": count},
                )
            self.message_user(
                request,
                ngettext(
                    "%(tags)s merged into “%(into)s”: %(count)d story changed.",
                    "%(tags)s merged into “%(into)s”: %(count)d stories changed.",
                    count,
                )
                % {"tags": names, "into": into.name, "count": count},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.model._meta,
            "form": form,
            "selected": selected,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/tag/merge.html", context)
