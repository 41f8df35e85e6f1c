"""Scheduling in the desk: the Schedule action of a story and the agenda of the coming days.

`SchedulingAdmin` is a mixin of the story admin (articles.desk.admin.ArticleAdmin):

- the change form's "Schedule…" button saves what the editor typed, then asks for the time
  (`schedule_view`), which `workflow.schedule` applies (the publish permission, on the server);
- `agenda_view` lists the stories planned for seven days, by day and hour: scheduled ones,
  and those still in review with a planned time (flagged once that time has passed).
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.desk import schedule, workflow
from articles.models import ArticleAuthor

SCHEDULE_BUTTON = "_schedule"


def attach_authors(stories):
    """Set `author_list` on each story (byline order) with one query for all of them."""
    stories = list(stories)
    by_story = {story.pk: [] for story in stories}
    links = (
        ArticleAuthor.objects.filter(article__in=by_story)
        .select_related("author")
        .order_by("article", "order", "pk")
    )
    for link in links:
        by_story[link.article_id].append(link.author)
    for story in stories:
        story.author_list = by_story[story.pk]
    return stories


class SchedulingAdmin:
    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("agenda/", wrap(self.agenda_view), name=f"{prefix}_agenda"),
            path(
                "<path:object_id>/schedule/",
                wrap(self.schedule_view),
                name=f"{prefix}_schedule",
            ),
            *super().get_urls(),
        ]

    def can_schedule(self, request, obj):
        """Show the Schedule button: an editor, on a story that is not live or in the trash."""
        return (
            workflow.can_publish(request.user)
            and self.has_change_permission(request, obj)
            and not (obj is not None and (obj.in_trash or obj.is_published))
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_schedule"] = self.can_schedule(request, obj)
        if obj is not None and request.method == "GET":
            self._say_when(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _say_when(self, request, obj):
        """Above the form: when a scheduled story goes live, or that its planned time passed."""
        status = schedule.desk_status(obj)
        if status.key == "scheduled":
            when = date_format(timezone.localtime(obj.publish_at), "DATETIME_FORMAT")
            self.message_user(
                request,
                _("Scheduled: readers see this story from %(time)s.") % {"time": when},
                messages.INFO,
            )
        elif status.flag:
            self.message_user(request, status.flag, messages.WARNING)

    # "Schedule…" saves the form like "Save and continue", then asks for the time.
    def _ask_for_time(self, request, obj):
        self.message_user(
            request,
            _("“%(story)s” is saved. Choose when it goes live.") % {"story": obj},
            messages.SUCCESS,
        )
        return redirect(self._schedule_url(obj))

    def _schedule_url(self, obj):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_schedule", args=[obj.pk])

    def response_add(self, request, obj, post_url_continue=None):
        if SCHEDULE_BUTTON in request.POST and self.can_schedule(request, obj):
            return self._ask_for_time(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if SCHEDULE_BUTTON in request.POST and self.can_schedule(request, obj):
            return self._ask_for_time(request, obj)
        return super().response_change(request, obj)

    def schedule_view(self, request, object_id):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such story."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[article.pk]
        )
        now = timezone.now()
        form = schedule.ScheduleForm(
            request.POST or None,
            now=now,
            initial={"publish_at": schedule.ScheduleForm.suggested(article, now)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                workflow.schedule(article, form.cleaned_data["publish_at"], by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(request, article, _("Scheduled."))
                # The story's page then says when (_say_when).
                self.message_user(
                    request,
                    _("“%(story)s” is scheduled.") % {"story": article},
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Schedule the story"),
            "opts": self.opts,
            "object": article,
            "form": form,
            "status": schedule.desk_status(article, now),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/articles/article/schedule.html", context)

    def agenda_view(self, request):
        """Seven days from `?start=YYYY-MM-DD` (today by default): editors see every planned
        story, reporters their own."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        window = schedule.AgendaWindow.asked(request.GET.get("start", ""), today)
        start, end = window.start, window.end
        stories = workflow.stories_visible_to(request.user)
        if not workflow.can_publish(request.user) and workflow.can_edit(request.user):
            stories = stories.filter(created_by=request.user)
        planned = (
            stories.filter(schedule.planned(start, end))
            .select_related("section")
            .order_by("publish_at", "pk")
        )
        found = attach_authors(planned[: schedule.AGENDA_LIMIT + 1])
        now = timezone.now()
        for story in found:
            story.desk_status = schedule.desk_status(story, now)
            story.desk_url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[story.pk]
            )
        shown = found[: schedule.AGENDA_LIMIT]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Agenda"),
            "opts": self.opts,
            "days": schedule.by_day(shown, window.first_day, schedule.AGENDA_DAYS),
            "today": today,
            "window": window,
            "truncated": len(found) > schedule.AGENDA_LIMIT,
            "limit": schedule.AGENDA_LIMIT,
            "can_edit": workflow.can_edit(request.user),
        }
        return TemplateResponse(request, "admin/articles/article/agenda.html", context)
