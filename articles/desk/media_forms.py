"""Forms of the image library: one upload with its focal point, several at once, alt texts.

Every file goes through the same steps (`accept_upload`): the policy of `articles.images`
(size, type, pixels), then the duplicate check, then the metadata is stripped once and the
cleaned file is what gets stored.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.desk.forms import CheckedImageField
from articles.images import content_sha256, strip_metadata, validate_image_upload
from articles.models import Image

# At most this many files in one multi-file post (Django refuses more than
# DATA_UPLOAD_MAX_NUMBER_FILES, 100, with a bare 400).
MAX_FILES_PER_BATCH = 50


def find_duplicate(upload, cleaned, exclude=None):
    """The stored image whose file is byte for byte `upload`, or what cleaning it gives
    (the same original uploaded again), if any."""
    digests = {content_sha256(upload), content_sha256(cleaned)}
    found = Image.objects.filter(sha256__in=digests)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.order_by("pk").first()


class DuplicateImage(ValidationError):
    """An upload already in the library: `text` says so in words, the message adds a link."""

    def __init__(self, existing, *, popup=False):
        self.existing = existing
        self.text = _("This picture is already in the library as “%(image)s”.") % {
            "image": existing
        }
        super().__init__(duplicate_message(existing, self.text, popup=popup), code="duplicate")


def duplicate_message(existing, text, *, popup=False):
    """`text`, with a link to the existing image; in a popup opened from the story form, a
    link that puts it in the form's lead image instead."""
    if popup and existing.has_alt_text:
        return format_html(
            '{} <a href="{}">{}</a>',
            text,
            reverse("admin:articles_image_use", args=[existing.pk]) + "?_popup=1&_to_field=id",
            _("Use that one"),
        )
    return format_html(
        '{} <a href="{}"{}>{}</a>',
        text,
        reverse("admin:articles_image_change", args=[existing.pk]),
        format_html(' target="_blank" rel="noopener"') if popup else "",
        _("Open it") if existing.has_alt_text else _("Open it to add its alt text"),
    )


def accept_upload(upload, *, exclude=None, popup=False, checked=False):
    """The cleaned file to store for `upload`; ValidationError saying why it is refused.

    `checked`: the upload already passed validate_image_upload (CheckedImageField).
    """
    if not checked:
        validate_image_upload(upload)
    cleaned = strip_metadata(upload)
    existing = find_duplicate(upload, cleaned, exclude=exclude)
    if existing is not None:
        raise DuplicateImage(existing, popup=popup)
    return cleaned


class ImageAdminForm(forms.ModelForm):
    """One picture: its file, what it shows, and where its crops centre."""

    popup = False  # set per request by ImageAdmin.get_form

    file = CheckedImageField(label=_("File"), help_text=Image._meta.get_field("file").help_text)

    class Meta:
        model = Image
        fields = ("file", "alt_text", "caption", "credit", "focal_x", "focal_y")
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "1"}),
        }
        help_texts = {
            "focal_x": _("0 is the left edge, 1 the right edge. Clicking the picture sets it."),
            "focal_y": _("0 is the top edge, 1 the bottom edge."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Several pictures can be uploaded without it; none is used in a story before it
        # has one, and this form is where it gets one.
        if "alt_text" in self.fields:  # absent when the page is read-only
            self.fields["alt_text"].required = True

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        return accept_upload(upload, exclude=self.instance.pk, popup=self.popup, checked=True)

    def clean_focal_x(self):
        return round(self.cleaned_data["focal_x"], 4)

    def clean_focal_y(self):
        return round(self.cleaned_data["focal_y"], 4)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """The list of files sent; each is judged later, on its own (accept_upload)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = [upload for upload in data or [] if upload]
        if not uploads and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return uploads


class ImageBatchForm(forms.Form):
    """Several pictures at once; each is checked on its own (ImageAdmin.upload_view)."""

    files = MultipleFileField(
        label=_("Pictures"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_(
            "JPEG, PNG, WebP or GIF; choose several at once. Each needs its alt text before "
            "it can be used in a story."
        ),
        error_messages={"required": _("Choose at least one picture.")},
    )
    credit = forms.CharField(
        label=_("Credit"),
        max_length=Image._meta.get_field("credit").max_length,
        required=False,
        help_text=_("Given to every picture of this upload; you can change each later."),
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES_PER_BATCH:
            raise ValidationError(
                _("Upload at most %(max)d pictures at a time.") % {"max": MAX_FILES_PER_BATCH},
                code="too_many",
            )
        return uploads


class ImageDescriptionForm(forms.ModelForm):
    """One row of the "add alt text" page: leaving alt text empty keeps it for later."""

    class Meta:
        model = Image
        fields = ("alt_text", "caption", "credit")
        widgets = {
            "alt_text": forms.TextInput(attrs={"size": 50}),
            "caption": forms.TextInput(attrs={"size": 50}),
            "credit": forms.TextInput(attrs={"size": 25}),
        }

    def clean_alt_text(self):
        # This page fills alt text in, never clears it: left empty here, a text someone gave
        # the picture meanwhile stays.
        return self.cleaned_data["alt_text"] or self.instance.alt_text
