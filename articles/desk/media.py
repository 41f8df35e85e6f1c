"""The image library: uploads (one, or several at once), the focal point, and where each
picture is used.

Editors change any picture, reporters their own uploads; everyone on the desk may look. A
picture without alt text may sit in the library but not in a story (ArticleAdminForm refuses
it, the lead-image picker shows it greyed out); "Add alt text" lists those to describe.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import crops
from articles.desk import workflow
from articles.desk.media_forms import (
    DuplicateImage,
    ImageAdminForm,
    ImageBatchForm,
    ImageDescriptionForm,
    accept_upload,
)
from articles.desk.picker import ImagePickerView
from articles.models import Article, Image

# Stories listed on an image's page (its "used in" count covers them all).
USAGE_LIMIT = 20
# Pictures on one "Add alt text" page.
DESCRIBE_LIMIT = 50


def thumbnail(image, width=120):
    if image is None or not image.file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}">', image.rendition_url(320), image.alt_text, width
    )


def person(user):
    """A staff member by name, as plain text: the user admin is not every role's page."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


class AltTextFilter(admin.SimpleListFilter):
    title = _("alt text")
    parameter_name = "alt_text"

    def lookups(self, request, model_admin):
        return [("missing", _("Missing")), ("given", _("Given"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(alt_text="")
        if self.value() == "given":
            return queryset.exclude(alt_text="")
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = (
        "thumbnail",
        "description",
        "caption",
        "credit",
        "size",
        "usage_count",
        "uploaded_by",
        "created_at",
    )
    list_filter = (AltTextFilter,)
    ordering = ("-created_at", "-pk")
    list_select_related = ("uploaded_by",)
    search_fields = ("alt_text", "caption", "credit")
    date_hierarchy = "created_at"
    fields = (
        "file",
        "thumbnail",
        "alt_text",
        "caption",
        "credit",
        "focal_point",
        "focal_x",
        "focal_y",
        "crop_previews",
        "size",
        "uploader",
        "created_at",
    )
    # What only an uploaded picture has: its focal point is set by clicking on it.
    after_upload_fields = ("focal_point", "focal_x", "focal_y", "crop_previews")
    readonly_fields = (
        "thumbnail",
        "focal_point",
        "crop_previews",
        "size",
        "uploader",
        "created_at",
    )

    class Media:
        css = {"all": ("articles/desk.css",)}
        js = ("articles/focal-point.js",)

    def get_queryset(self, request):
        # A correlated count, not a join: the list's counts and date filter stay on the
        # image table (Django drops an unused subquery annotation from count()).
        uses = (
            Article.objects.filter(lead_image=OuterRef("pk"))
            .order_by()
            .values("lead_image")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(usage=Coalesce(Subquery(uses), 0))

    def changeable(self, request):
        """The images this user may change: an editor's any, a reporter's their own."""
        queryset = Image.objects.all()
        if workflow.can_publish(request.user):
            return queryset
        return queryset.filter(uploaded_by=request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Reporters fix their own uploads; editors any.
        return (
            obj is None
            or workflow.can_publish(request.user)
            or obj.uploaded_by_id == request.user.pk
        )

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            fields = [name for name in fields if name not in self.after_upload_fields]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # A class made for this request: in a popup a duplicate offers "Use that one".
        form.popup = IS_POPUP_VAR in request.GET or IS_POPUP_VAR in request.POST
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        extra = {
            "can_upload_several": self.has_add_permission(request),
            "missing_alt_text": (
                self.changeable(request).filter(alt_text="").count()
                if self.has_change_permission(request)
                else 0
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["usage"] = self.usage(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def usage(self, request, image):
        """The stories using `image` as their lead that this user may open (at most
        USAGE_LIMIT, latest change first), and how many use it in all: two queries."""
        stories = workflow.stories_visible_to(request.user, image.lead_for.all())
        listed = list(
            stories.order_by("-updated_at", "-pk").only(
                "pk", "headline", "language", "status", "publish_at", "updated_at", "lead_image"
            )[:USAGE_LIMIT]
        )
        total = getattr(image, "usage", None)
        if total is None:
            total = image.lead_for.count()
        return {
            "stories": [
                {
                    "story": story,
                    "url": reverse("admin:articles_article_change", args=[story.pk]),
                    "status": _("Scheduled") if story.is_scheduled else story.get_status_display(),
                }
                for story in listed
            ],
            "total": total,
            "unlisted": total - len(listed),
        }

    # Columns and read-only fields
    @admin.display(description=_("preview"))
    def thumbnail(self, obj):
        return thumbnail(obj if obj.pk else None)

    @admin.display(description=_("alt text"), ordering="alt_text")
    def description(self, obj):
        if obj.has_alt_text:
            return obj.alt_text
        return format_html('<strong class="needs-alt-text">{}</strong>', _("Needs alt text"))

    @admin.display(description=_("used in"), ordering="usage")
    def usage_count(self, obj):
        count = getattr(obj, "usage", 0)
        return ngettext("%d story", "%d stories", count) % count if count else "—"

    @admin.display(description=_("uploaded by"))
    def uploader(self, obj):
        return person(obj.uploaded_by)

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width}×{obj.height}" if obj.width else "—"

    @admin.display(description=_("focal point"))
    def focal_point(self, obj):
        """The picture to click on (static/articles/focal-point.js): the two numbers below
        are what is saved, and work without JavaScript."""
        if not obj.file:
            return "—"
        return format_html(
            '<div class="focal-picker" data-x="{}" data-y="{}">'
            '<img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-marker" hidden></span></div>'
            '<p class="help">{}</p>',
            obj.focal_x,
            obj.focal_y,
            obj.rendition_url(960),
            obj.alt_text,
            obj.width or "",
            obj.height or "",
            _(
                "Click on what every crop must keep in view (a face, the ball). The "
                "16:9, 4:3 and 1:1 crops are made again around it when you save."
            ),
        )

    @admin.display(description=_("crops"))
    def crop_previews(self, obj):
        if not obj.file:
            return "—"
        if not obj.crops_current:
            return _("The crops for this focal point are being made; reload in a moment.")
        return format_html(
            '<div class="crop-previews">{}</div>',
            format_html_join(
                "",
                '<figure><img src="{}" alt="" width="{}" height="{}"><figcaption>{}'
                "</figcaption></figure>",
                (
                    (*obj.crop_file(ratio.key, 320), ratio.key)
                    for ratio in crops.RATIOS
                    if obj.crop(ratio.key)
                ),
            ),
        )

    # Views of the library
    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name=f"{name}_upload"),
            path("alt-text/", view(self.describe_view), name=f"{name}_describe"),
            path(
                "picker/",
                view(ImagePickerView.as_view(admin_site=self.admin_site)),
                name=f"{name}_picker",
            ),
            path("<path:object_id>/use/", view(self.use_view), name=f"{name}_use"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def upload_view(self, request):
        """Several pictures in one go. Each file is checked on its own: a refused one is
        named with its reason, and the others are kept. Asked for JSON (the page's script
        sends one file per request, so no batch meets the proxy's body limit), it answers
        what became of each file."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        wants_json = "application/json" in request.headers.get("Accept", "")
        posted = request.method == "POST"
        form = ImageBatchForm(request.POST, request.FILES) if posted else ImageBatchForm()
        if posted and form.is_valid():
            uploaded, refused = [], []
            for upload in form.cleaned_data["files"]:
                try:
                    image = self._store_upload(request, upload, form.cleaned_data["credit"])
                except DuplicateImage as error:
                    refused.append(
                        {"name": upload.name, "reason": error.text, "existing": error.existing}
                    )
                except ValidationError as error:
                    reason = " ".join(error.messages)
                    refused.append({"name": upload.name, "reason": reason, "existing": None})
                else:
                    uploaded.append(image)
            if wants_json:
                return JsonResponse(self._batch_answer(uploaded, refused))
            if uploaded:
                self._report_batch(request, uploaded, refused)
                return redirect("admin:articles_image_describe")
            form.add_error(None, _("None of the pictures was uploaded."))
            return self._render_upload(request, form, refused)
        if posted and wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return self._render_upload(request, form, [])

    def _store_upload(self, request, upload, credit):
        cleaned = accept_upload(upload)
        image = Image(file=cleaned, credit=credit, uploaded_by=request.user)
        with transaction.atomic():
            image.save()
        self.log_addition(request, image, [{"added": {}}])
        return image

    def _batch_answer(self, uploaded, refused):
        return {
            "uploaded": [
                {"id": image.pk, "url": reverse("admin:articles_image_change", args=[image.pk])}
                for image in uploaded
            ],
            "refused": [
                {
                    "name": item["name"],
                    "reason": item["reason"],
                    "existing": (
                        reverse("admin:articles_image_change", args=[item["existing"].pk])
                        if item["existing"]
                        else None
                    ),
                }
                for item in refused
            ],
            "next": reverse("admin:articles_image_describe"),
        }

    def _report_batch(self, request, uploaded, refused):
        count = len(uploaded)
        self.message_user(
            request,
            ngettext(
                "%d picture uploaded: give it its alt text before it is used in a story.",
                "%d pictures uploaded: give each its alt text before it is used in a story.",
                count,
            )
            % count,
            messages.SUCCESS,
        )
        for item in refused:
            self.message_user(
                request,
                format_html("{}: {}", item["name"], self._reason(item)),
                messages.WARNING,
            )

    @staticmethod
    def _reason(item):
        if item["existing"] is None:
            return item["reason"]
        return format_html(
            '{} <a href="{}">{}</a>',
            item["reason"],
            reverse("admin:articles_image_change", args=[item["existing"].pk]),
            _("Open it"),
        )

    def _render_upload(self, request, form, refused):
        context = self._context(
            request,
            title=_("Upload several pictures"),
            form=form,
            refused=[{**item, "reason": self._reason(item)} for item in refused],
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/articles/image/upload.html", context)

    def describe_view(self, request):
        """Pictures still without alt text that this user may change, each with its alt
        text, caption and credit to fill in: what is left empty stays to do."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        changeable = self.changeable(request)
        if request.method == "POST":
            ids = [value for value in request.POST.getlist("image") if value.isdigit()]
            images = changeable.filter(pk__in=ids).order_by("-created_at", "-pk")
        else:
            images = changeable.filter(alt_text="").order_by("-created_at", "-pk")
        images = list(images[:DESCRIBE_LIMIT])
        forms = [
            ImageDescriptionForm(request.POST or None, instance=image, prefix=f"image-{image.pk}")
            for image in images
        ]
        if request.method == "POST" and all(form.is_valid() for form in forms):
            changed = [form for form in forms if form.has_changed()]
            with transaction.atomic():
                for form in changed:
                    form.save()
                    self.log_change(
                        request, form.instance, [{"changed": {"fields": form.changed_data}}]
                    )
            described = sum(1 for form in changed if form.instance.has_alt_text)
            self.message_user(
                request,
                ngettext("%d picture described.", "%d pictures described.", described) % described,
                messages.SUCCESS,
            )
            return redirect(
                "admin:articles_image_describe"
                if changeable.filter(alt_text="").exists()
                else "admin:articles_image_changelist"
            )
        context = self._context(
            request,
            title=_("Add alt text"),
            rows=[
                {"image": form.instance, "form": form, "thumb": form.instance.rendition_url(320)}
                for form in forms
            ],
            more=len(images) == DESCRIBE_LIMIT,
        )
        return TemplateResponse(request, "admin/articles/image/describe.html", context)

    def use_view(self, request, object_id):
        """From a popup opened on the story form: put this (existing) picture in the form's
        lead image, as if it had just been uploaded there."""
        image = self.get_object(request, unquote(object_id))
        if image is None:
            raise Http404("No such image.")
        if not self.has_view_permission(request, image):
            raise PermissionDenied
        if IS_POPUP_VAR not in request.GET or not image.has_alt_text:
            return redirect("admin:articles_image_change", image.pk)
        data = json.dumps({"value": str(image.pk), "obj": str(image)})
        return TemplateResponse(
            request, "admin/popup_response.html", {"popup_response_data": data}
        )
