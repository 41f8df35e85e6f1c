import functools
import operator
import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from comments.models import Comment, ModerationEvent
from comments.moderation import can_moderate, set_status
from newsroom import changelists
from newsroom.changelists import Estimate, LargeTableAdmin

ACTIONS = {
    "approve": (Comment.Status.APPROVED, _("Approve")),
    "reject": (Comment.Status.REJECTED, _("Reject")),
    "spam": (Comment.Status.SPAM, _("Spam")),
}
QUEUES = [
    ("pending", _("Pending")),
    ("reported", _("Reported")),
    ("approved", _("Approved")),
    ("rejected", _("Rejected")),
    ("spam", _("Spam")),
]


column_estimates = changelists.column_estimates  # a name tests can replace

QUEUE_FILTERS = {
    "pending": Q(status=Comment.Status.PENDING),
    "reported": Q(reported=True),
    "approved": Q(status=Comment.Status.APPROVED),
    "rejected": Q(status=Comment.Status.REJECTED),
    "spam": Q(status=Comment.Status.SPAM),
}


def status_counts(request=None):
    """Comments per queue (memoised on the request), in at most two small queries.

    A queue the table's statistics put at ESTIMATE_ABOVE comments or more (the approved
    ones, on a big site) shows the estimate, "about 940,000"; the others are counted, from
    their indexes, in one query. Counting them all was a scan of every comment on each page.
    """
    if request is not None and hasattr(request, "_comment_counts"):
        return request._comment_counts
    statuses = column_estimates(Comment, "status")
    estimated = {key: statuses.get(key) for key in QUEUE_FILTERS}
    estimated["reported"] = column_estimates(Comment, "reported").get("t")  # PostgreSQL's true
    counts = {
        key: Estimate(rows)
        for key, rows in estimated.items()
        if rows is not None and rows >= changelists.ESTIMATE_ABOVE
    }
    exact = [key for key in QUEUE_FILTERS if key not in counts]
    if exact:
        counts |= Comment.objects.filter(
            functools.reduce(operator.or_, (QUEUE_FILTERS[key] for key in exact))
        ).aggregate(**{key: Count("pk", filter=QUEUE_FILTERS[key]) for key in exact})
    if request is not None:
        request._comment_counts = counts
    return counts


class QueueFilter(admin.SimpleListFilter):
    """The moderation queues, with their sizes. The changelist opens on the pending queue."""

    title = _("queue")
    parameter_name = "queue"
    default = "pending"

    def lookups(self, request, model_admin):
        counts = status_counts(request)
        return [(key, f"{label} ({counts[key]})") for key, label in QUEUES] + [("all", _("All"))]

    def current(self):
        return self.value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.current() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.current()
        if value == "all":
            return queryset
        if value == "reported":
            return queryset.filter(reported=True)
        if value in Comment.Status.values:
            return queryset.filter(status=value)
        return queryset.none()


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    fields = ["created", "by", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("history")

    @admin.display(description=_("by"))
    def by(self, obj):
        return obj.by

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.view_comment") or can_moderate(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(LargeTableAdmin, admin.ModelAdmin):
    # The one-click buttons come right after the text they judge, so they are on screen
    # without scrolling sideways on a laptop.
    list_display = [
        "excerpt",
        "moderate",
        "name",
        "email",
        "story",
        "ip_address",
        "created",
        "reports",
        "history",
        "status",
    ]
    list_display_links = ["excerpt"]
    list_filter = [QueueFilter]
    list_select_related = ["article"]
    list_per_page = 50
    search_fields = ["name", "email", "body", "article__headline"]
    ordering = ["created", "pk"]
    date_hierarchy = "created"
    actions = ["approve_selected", "reject_selected", "spam_selected"]
    inlines = [ModerationEventInline]
    # Commenters' websites are http(s) only; Django 6 assumes https for a bare domain too.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "story",
        "parent",
        "name",
        "email",
        "website",
        "body",
        "status",
        "reported",
        "reports",
        "history",
        "created",
        "ip_address",
        "user_agent",
        "remember",
    ]
    change_list_template = "admin/comments/comment/change_list.html"
    change_form_template = "admin/comments/comment/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_report_count().with_history()

    # Permissions, all on the server: moderating is its own permission; editing a reader's
    # words and deleting are for superusers only; comments come from readers, never from here.
    def has_moderate_permission(self, request):
        return can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or can_moderate(request.user)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or can_moderate(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        editable = {"name", "email", "website", "body"}
        return [f for f in self.fields if f not in editable]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not can_moderate(request.user):
            columns.remove("moderate")
        return columns

    # Columns
    @admin.display(description=_("story"), ordering="article__headline")
    def story(self, obj):
        return format_html(
            '<a href="{}" lang="{}" dir="auto">{}</a>',
            obj.article.get_absolute_url(),
            obj.article.language,
            obj.article.headline,
        )

    @admin.display(description=_("reports"), ordering="report_count")
    def reports(self, obj):
        count = getattr(obj, "report_count", 0)
        return _("%(count)s (reported)") % {"count": count} if obj.reported else count

    @admin.display(description=_("commenter's history"))
    def history(self, obj):
        return format_html(
            '<span title="{}">{} ✓ · {} ✗ · {}</span>',
            _("approved / rejected / spam"),
            obj.history_approved,
            obj.history_rejected,
            _("%(count)s spam") % {"count": obj.history_spam},
        )

    @admin.display(description=_("moderate"))
    def moderate(self, obj):
        # Buttons of the changelist's own form (it carries the CSRF token), posted elsewhere.
        return format_html_join(
            " ",
            '<button type="submit" class="button" formmethod="post" formaction="{}" '
            'name="moderate" value="{}">{}</button>',
            (
                (
                    reverse("admin:comments_comment_moderate", args=[obj.pk, key]),
                    key,
                    label,
                )
                for key, (status, label) in ACTIONS.items()
                if obj.status != status
            ),
        )

    # Bulk actions
    def _bulk(self, request, queryset, status):
        changed = sum(set_status(c, status, by=request.user) for c in queryset)
        self.message_user(
            request, f"{changed} comment{'s' if changed != 1 else ''} marked {status}."
        )

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, Comment.Status.APPROVED)

    @admin.action(description=_("Reject selected comments"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._bulk(request, queryset, Comment.Status.REJECTED)

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def spam_selected(self, request, queryset):
        self._bulk(request, queryset, Comment.Status.SPAM)

    # Views
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("queue/", wrap(self.queue_view), name="comments_comment_queue"),
            path(
                "<int:pk>/moderate/<str:action>/",
                wrap(self.moderate_view),
                name="comments_comment_moderate",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "queue_counts": [(key, label, status_counts(request)[key]) for key, label in QUEUES],
            "can_moderate": can_moderate(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            "can_moderate": can_moderate(request.user),
            "moderate_actions": [(key, label) for key, (_status, label) in ACTIONS.items()],
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _act(self, request, pk, action):
        if not can_moderate(request.user):
            raise PermissionDenied
        if action not in ACTIONS:
            raise PermissionDenied
        valid = re.fullmatch(r"[0-9]{1,18}", str(pk))  # str.isdigit() also takes "²"
        comment = get_object_or_404(Comment, pk=int(pk) if valid else 0)
        status, _label = ACTIONS[action]
        set_status(comment, status, by=request.user)
        return comment

    def moderate_view(self, request, pk, action):
        """One comment, one click: POST only, then back where the moderator was."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = self._act(request, pk, action)
        self.message_user(request, f"“{comment.excerpt}” is now {comment.get_status_display()}.")
        back = request.POST.get("next") or request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(back)

    def queue_view(self, request):
        """The keyboard queue: j/k move, a/r/s act. Plain POST buttons work without JavaScript."""
        if not can_moderate(request.user):
            raise PermissionDenied
        if request.method == "POST":
            comment = self._act(
                request, request.POST.get("comment", "0"), request.POST.get("action")
            )
            remaining = Comment.objects.waiting().count()
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                return JsonResponse(
                    {"id": comment.pk, "status": comment.status, "remaining": remaining}
                )
            messages.success(
                request, f"“{comment.excerpt}” is now {comment.get_status_display()}."
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_queue"))
        comments = (
            Comment.objects.waiting()
            .select_related("article")
            .with_report_count()
            .with_history()[:100]
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Moderation queue"),
            "comments": comments,
            "waiting": Comment.objects.waiting().count(),
            "actions": [(key, label) for key, (_status, label) in ACTIONS.items()],
        }
        return TemplateResponse(request, "admin/comments/comment/queue.html", context)
