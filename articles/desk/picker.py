"""The story form's lead-image picker: Django's autocomplete, with a thumbnail per result.

It searches what ImageAdmin searches (alt text, caption, credit) through Django's own
AutocompleteJsonView, so the same checks apply (who may view images, which field asks); each
result also carries its thumbnail, alt text and credit, and a picture without alt text comes
greyed out (the story form refuses it anyway). static/articles/image-picker.js draws them.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext as _


class ImagePickerWidget(AutocompleteSelect):
    url_name = "%s:articles_image_picker"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # Not "admin-autocomplete": Django's script would start it without the thumbnails.
        classes = attrs["class"].split()
        attrs["class"] = " ".join(
            "image-picker" if name == "admin-autocomplete" else name for name in classes
        )
        return attrs

    @property
    def media(self):
        # One list, so the merged page media keeps the picker after what it needs (two
        # Media added together impose no order between them).
        extra = "" if settings.DEBUG else ".min"
        ours = forms.Media(
            js=(
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                "admin/js/jquery.init.js",
                "articles/image-picker.js",
            ),
            css={"screen": ("articles/desk.css",)},
        )
        return super().media + ours


class ImagePickerView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = {
            **super().serialize_result(obj, to_field_name),
            "thumb": obj.rendition_url(320),
            "alt": obj.alt_text,
            "credit": obj.credit,
        }
        if not obj.has_alt_text:
            result.update(disabled=True, note=_("Needs alt text before it can be used."))
        return result
