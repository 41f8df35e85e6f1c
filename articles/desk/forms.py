"""Admin forms of the story desk: the body editor, workflow-aware status, checked uploads.

The image library's forms are in media_forms.
"""

import copy

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.desk import conflicts, editions, workflow
from articles.desk.tag_admin import TagSuggestionsWidget
from articles.images import validate_image_upload
from articles.models import Article, Author, RelatedLink
from articles.sanitize import sanitize_html

# What the editor offers is what articles.sanitize keeps: headings h2-h4, emphasis, lists,
# quotes, links (http/https/mailto) and figures. The sanitiser stays the authority: it runs
# again in Article.save(), whatever the editor sends.
BODY_EDITOR = {
    "extensions": {
        "Heading": {"levels": [2, 3, 4]},
        "Bold": True,
        "Italic": True,
        "Underline": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "HardBreak": True,
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "Figure": True,
        "Caption": True,
        "Image": True,
        "SpecialCharacters": True,
    }
}


class CheckedImageField(forms.ImageField):
    """Judge the upload by our image policy first, so a refusal names its reason."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        validate_image_upload(upload)
        return super().to_python(data)


class ArticleAdminForm(forms.ModelForm):
    user = None  # set per request by ArticleAdmin.get_form
    # Set by ArticleAdmin.get_form for the change view: refuse a save of a form opened on an
    # older version of the story (articles.desk.conflicts).
    check_version = False

    body = ProseEditorFormField(
        label=_("Body"),
        required=False,
        config=BODY_EDITOR,
        sanitize=sanitize_html,
        widget=AdminProseEditorWidget,
        help_text=Article._meta.get_field("body").help_text,
    )

    canonical_url = forms.URLField(
        label=_("Canonical URL"),
        required=False,
        assume_scheme="https",
        help_text=Article._meta.get_field("canonical_url").help_text,
    )

    translation_of = forms.ModelChoiceField(
        label=_("Translation of"),
        queryset=Article.objects.all(),
        required=False,
        # The story search the related-stories inline uses (ArticleAdmin's search fields).
        widget=AutocompleteSelect(RelatedLink._meta.get_field("target"), admin.site),
        help_text=_(
            "To make this story another language's version of an existing one, choose that "
            "story: both then belong to one translation group, which holds one story per "
            "language."
        ),
    )

    class Meta:
        model = Article
        fields = (
            "language", "headline", "slug", "standfirst", "body", "story_type", "byline", "source", "dateline",
            "lead_image", "section", "tags", "status", "publish_at", "featured", "priority",
            "show_updated", "comments_enabled", "seo_title", "seo_description", "canonical_url",
            "noindex",
        )  # fmt: skip
        widgets = {"tags": TagSuggestionsWidget}

    # Written in the story's language, whatever the desk's: each field takes its direction
    # from its text (an Arabic headline in an English desk reads right to left).
    WRITTEN = ("headline", "slug", "standfirst", "body", "byline", "source", "dateline")
    WRITTEN += ("seo_title", "seo_description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.WRITTEN:
            if name in self.fields:
                self.fields[name].widget.attrs["dir"] = "auto"
        if "language" in self.fields:
            # A form sent without it (an older desk page, a script) keeps the story's edition.
            self.fields["language"].required = False
        if self.user is not None:
            self.limit_to_editions()
        if "tags" in self.fields:
            # Tag suggestions are the story's language's; the script follows the language
            # field when the form has one (TagSuggestionsWidget).
            language = self.initial.get("language") or self.instance.language
            self.fields["tags"].widget.attrs["data-tag-language"] = language
        status = self.fields.get("status")
        if status is not None and self.user is not None:
            allowed = set(workflow.allowed_statuses(self.user))
            status.choices = [
                (value, label) for value, label in status.choices if value in allowed
            ]
            status.help_text = (
                _(
                    "“Published” with a future publication time schedules the story, as "
                    "“Schedule…” below the form does."
                )
                if workflow.can_publish(self.user)
                else _("Choose “In review” when the story is ready; an editor publishes it.")
            )

    def limit_to_editions(self):
        """A desk limited to some editions writes in those only (articles.desk.editions): the
        language offers them, a new story starts in the first, and the translation group to
        join is chosen among the stories this user may see. The save refuses any other
        language too (workflow.check_save)."""
        allowed = editions.editions_for(self.user)
        language = self.fields.get("language")
        if language is not None:
            language.choices = [
                (value, label) for value, label in language.choices if value in allowed
            ]
        if self.instance._state.adding and allowed:
            if self.instance.language not in allowed:
                self.instance.language = allowed[0]
            if self.initial.get("language") not in allowed:
                self.initial["language"] = allowed[0]
        translation_of = self.fields.get("translation_of")
        if translation_of is not None:
            translation_of.queryset = workflow.stories_visible_to(self.user)

    def clean_publish_at(self):
        publish_at = self.cleaned_data.get("publish_at")
        stored = self.instance.publish_at if self.instance.pk else None
        # The admin's time widget has whole seconds: an untouched time is not a change.
        if publish_at and stored and publish_at == stored.replace(microsecond=0):
            return stored
        return publish_at

    def clean_lead_image(self):
        image = self.cleaned_data.get("lead_image")
        if image is not None and not image.has_alt_text:
            # Pictures uploaded several at once wait in the library for theirs.
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
                    _("“%(image)s” has no alt text yet, so it cannot be used in a story.")
                    % {"image": image},
                    reverse("admin:articles_image_change", args=[image.pk]),
                    _("Add its alt text"),
                ),
                code="no_alt_text",
            )
        return image

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.user is not None and status not in workflow.allowed_statuses(self.user):
            raise forms.ValidationError(
                _("Only an editor can publish, schedule or unpublish a story."),
                code="not_allowed",
            )
        return status

    def clean(self):
        cleaned = super().clean()
        self.clean_translation_group(cleaned)
        probe = copy.copy(self.instance)
        for name in ("language", "status", "publish_at", "slug"):
            if name in cleaned:
                setattr(probe, name, cleaned[name])
        if cleaned.get("slug") and workflow.slug_clash(probe):
            self.add_error(
                "slug",
                _(
                    "Another story published that day in this edition has this slug; choose "
                    "another."
                ),
            )
        if self.check_version:
            conflicts.check(self)
        return cleaned

    def clean_translation_group(self, cleaned):
        """Join the chosen story's translation group, unless it has a version in this
        story's language already (the group's constraint, said in words)."""
        source = cleaned.get("translation_of")
        language = cleaned.get("language", self.instance.language)
        stays = self.instance._state.adding or language == self.instance.language
        if source is None and stays:
            return  # its own group, unchanged: nothing can clash
        if source is not None and source.pk == self.instance.pk:
            self.add_error("translation_of", _("A story cannot be a translation of itself."))
            return
        key = source.translation_key if source is not None else self.instance.translation_key
        taken = Article.objects.filter(translation_key=key, language=language)
        taken = taken.exclude(pk=self.instance.pk).first()
        if taken is not None:
            self.add_error(
                "translation_of" if source is not None else "language",
                _("“%(story)s” is already this story's version in that language.")
                % {"story": taken},
            )
        elif source is not None:
            self.instance.translation_key = key


class RelatedLinkForm(forms.ModelForm):
    user = None  # set per request by RelatedLinkInline.get_formset

    both_ways = forms.BooleanField(
        label=_("two-way"),
        required=False,
        help_text=_("Also add this story to the related stories of the other one."),
    )

    class Meta:
        model = RelatedLink
        fields = ("target", "order", "both_ways")

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        # The inline's own foreign key is left out of constraint checks: check it here.
        if target is not None and target.pk == self.instance.article_id:
            self.add_error("target", _("A story cannot be related to itself."))
        if (
            cleaned.get("both_ways")
            and target is not None
            and self.user is not None
            and not workflow.can_edit(self.user, target)
        ):
            self.add_error(
                "both_ways",
                _("You may not change “%(story)s”, so the link can only go one way.")
                % {"story": target},
            )
        return cleaned


class AuthorAdminForm(forms.ModelForm):
    photo = CheckedImageField(label=_("Photo"), required=False)

    class Meta:
        model = Author
        fields = ("name", "slug", "user", "photo", "bio", "expertise")
