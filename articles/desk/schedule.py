"""When stories go live, as the desk sees it: the statuses the desk shows and the agenda.

The model keeps its statuses; the desk derives two more from the publication time, here and
nowhere else (the story list, its filter, the dashboard and the agenda all ask this module):

- **Scheduled**: published with a future publication time. Readers see it from that time on
  by itself (`Article.objects.published()` compares the time), so no job has to run and a
  scheduled story can never be overdue.
- **Review overdue**: still in review when its planned publication time has passed. Nothing
  publishes it (an editor has not approved it), so the desk flags it instead.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article

AGENDA_DAYS = 7
# The most stories one agenda page lists (about a week of a busy agency); more are counted.
AGENDA_LIMIT = 400


def scheduled(now):
    """Published with a future publication time: readers will see it then."""
    return Q(status=Article.Status.PUBLISHED, publish_at__gt=now)


def live(now):
    """What readers see now (the rule of `Article.objects.published()`)."""
    return Q(status=Article.Status.PUBLISHED, publish_at__lte=now)


def review_overdue(now):
    """Still in review though its planned publication time has passed."""
    return Q(status=Article.Status.IN_REVIEW, publish_at__lte=now)


def planned(start, end):
    """Scheduled, or in review with a planned time, between `start` and `end`: the agenda."""
    return Q(
        status__in=(Article.Status.PUBLISHED, Article.Status.IN_REVIEW),
        publish_at__gte=start,
        publish_at__lt=end,
    )


@dataclass(frozen=True)
class DeskStatus:
    key: str  # a CSS class and a filter value: "scheduled", "review-overdue", "draft"...
    label: str
    flag: str = ""  # what needs attention, in words; empty when nothing does

    def __str__(self):
        return self.label


def desk_status(article, now=None):
    """The status the desk shows for `article`: the model's, or Scheduled, or flagged."""
    now = now or timezone.now()
    if (
        article.status == Article.Status.PUBLISHED
        and article.publish_at
        and article.publish_at > now
    ):
        return DeskStatus("scheduled", _("Scheduled"))
    if (
        article.status == Article.Status.IN_REVIEW
        and article.publish_at is not None
        and article.publish_at <= now
    ):
        return DeskStatus(
            "review-overdue",
            article.get_status_display(),
            _("Planned for %(time)s: still in review")
            % {"time": short_time(article.publish_at, now)},
        )
    return DeskStatus(article.status, article.get_status_display())


def short_time(moment, now=None):
    """ "14:30" today, "tomorrow 09:00", "yesterday 18:00", "Wed 15 Oct 10:00" this year,
    "15 Oct 2024 10:00" before or after (in the site's time zone)."""
    now = timezone.localtime(now or timezone.now())
    local = timezone.localtime(moment)
    clock = date_format(local, "H:i")
    if local.date() == now.date():
        return clock
    if local.date() == now.date() + timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": clock}
    if local.date() == now.date() - timedelta(days=1):
        return _("yesterday %(time)s") % {"time": clock}
    if local.year != now.year:
        return f"{date_format(local, 'j M Y')} {clock}"
    return f"{date_format(local, 'D j M')} {clock}"


def day_start(day):
    """Midnight at the start of `day` in the site's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Hour:
    start: datetime  # local, on the hour
    stories: list = field(default_factory=list)

    @property
    def day(self):
        """ "Today", "Tomorrow" or "Wed 15 Oct"."""
        today = timezone.localdate()
        if self.start.date() == today:
            return _("Today")
        if self.start.date() == today + timedelta(days=1):
            return _("Tomorrow")
        return date_format(self.start, "D j M")


@dataclass
class Day:
    date: object
    hours: list = field(default_factory=list)

    @property
    def count(self):
        return sum(len(hour.stories) for hour in self.hours)


def by_hour(stories):
    """[Hour] for stories ordered by publication time: one entry per local hour with stories."""
    hours = []
    for story in stories:
        start = timezone.localtime(story.publish_at).replace(minute=0, second=0, microsecond=0)
        if not hours or hours[-1].start != start:
            hours.append(Hour(start))
        hours[-1].stories.append(story)
    return hours


def by_day(stories, first_day, days):
    """[Day] for `days` days from `first_day`, each with its hours (empty days included)."""
    agenda = [Day(first_day + timedelta(days=n)) for n in range(days)]
    index = {day.date: day for day in agenda}
    for hour in by_hour(stories):
        day = index.get(hour.start.date())
        if day is not None:
            day.hours.append(hour)
    return agenda


@dataclass(frozen=True)
class AgendaWindow:
    """The days one agenda page shows: AGENDA_DAYS from `first_day`."""

    first_day: date

    @classmethod
    def asked(cls, text, today):
        """The window starting on the day `text` names (YYYY-MM-DD), else today's."""
        try:
            window = cls(date.fromisoformat(text))
            window.start, window.end, window.previous_day  # noqa: B018 - all representable?
        except (ValueError, OverflowError):  # not a date, or too near the calendar's ends
            return cls(today)
        return window

    @property
    def start(self):
        return day_start(self.first_day)

    @property
    def end(self):
        return day_start(self.next_day)

    @property
    def last_day(self):
        return self.first_day + timedelta(days=AGENDA_DAYS - 1)

    @property
    def next_day(self):
        return self.first_day + timedelta(days=AGENDA_DAYS)

    @property
    def previous_day(self):
        return self.first_day - timedelta(days=AGENDA_DAYS)


class ScheduleForm(forms.Form):
    """The time a story goes live, asked by the Schedule action (plain HTML, no script)."""

    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.fields["publish_at"].help_text = _(
            "In the site's time zone (%(zone)s). Readers see the story from this time on."
        ) % {"zone": timezone.get_current_timezone_name()}

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when <= self.now:
            raise forms.ValidationError(
                _("Choose a time in the future (to publish now, set the status to Published)."),
                code="past",
            )
        return when

    @staticmethod
    def suggested(article, now=None):
        """The story's own future time, else the next full hour but one."""
        now = now or timezone.now()
        if article.publish_at and article.publish_at > now:
            return timezone.localtime(article.publish_at)
        local = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
        return local + timedelta(hours=2)
