"""The admin home as the newsroom's dashboard: the day at a glance, in the desk's words.

Panels, by what a person may do (their permissions, as everywhere in the desk):

- **My drafts**: who writes (reporters, editors) sees their own drafts, last edited first.
- **In review**: editors see every story waiting for them, oldest submission first, with who
  submitted it and when; reporters see their own. One whose planned time has passed is flagged.
- **Scheduled, next 48 hours**: an agenda by hour (editors: all; reporters: theirs), with the
  stories still in review that are planned in those hours.
- **Published today**: editors all, reporters theirs; moderators too, linking to the page
  readers see (they cannot change stories).

Other apps add panels through `register_panels` (the comments app adds the comment queues,
comments.dashboard): the story app never imports them. Who cannot change stories (moderators)
sees those panels first. Every panel costs a fixed number of queries whatever the size of the
newsroom: counts come from one aggregate, each list is cut to a few entries, and the bylines
and submitters of all of them are fetched at once.

`articles/templatetags/desk.py` hands `for_request()` to templates/admin/index.html, which
keeps Django's list of apps below the panels.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.desk import editions, schedule, workflow
from articles.desk.agenda import attach_authors
from articles.models import Article

# Entries a list panel shows; the rest are counted and linked.
FEW = 8
AGENDA_HOURS = 48
# The most stories the 48-hour agenda lists; the agenda page has the rest.
AGENDA_LIMIT = 40

# Other apps' panels: callables (request, now) -> [Panel], registered from AppConfig.ready.
PANEL_SOURCES = []


def register_panels(source):
    if source not in PANEL_SOURCES:
        PANEL_SOURCES.append(source)


@dataclass
class Entry:
    """One line of a panel: what it is, where its work is, and what it needs."""

    title: str
    url: str
    when: str = ""  # "submitted by Ann Smith, 3 hours ago"
    details: str = ""  # "City · Ann Smith"
    flag: str = ""  # needs attention, in words
    extra_url: str = ""  # a second link: the page readers see
    extra_label: str = ""
    language: str = ""  # the title's language, when it is a story's headline


@dataclass
class Panel:
    key: str  # the panel's HTML id
    title: str
    summary: str  # safe HTML: "<strong>3</strong> stories waiting"
    entries: list = field(default_factory=list)
    hours: list = field(default_factory=list)  # agenda panels: [schedule.Hour]
    links: list = field(default_factory=list)  # [(url, label)]: the full list, the queue
    empty: str = ""
    template: str = "admin/articles/dashboard/panel.html"


@dataclass
class Dashboard:
    panels: list
    links: list  # [(url, label)]: write a story, the story list, the agenda


def ago(moment, now):
    """ "3 hours ago", "just now" under a minute."""
    if now - moment < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment, now, depth=1)}


def person(user):
    return user.get_full_name() or user.get_username()


def summary(text, count):
    """`text` (translated, with `{count}` in it) as safe HTML: "<strong>3</strong> drafts"."""
    return format_html(text, count=count)


def with_submission(stories):
    """Annotate `submitted_at` and `submitted_by_id`: the revision that put each story in
    review this time (the first "in review" revision after the last one that was not)."""
    History = Article.history.model
    review = Article.Status.IN_REVIEW
    before = (
        History.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    submissions = (
        History.objects.filter(id=OuterRef("pk"), status=review)
        .annotate(before=Subquery(before))
        .filter(Q(before__isnull=True) | ~Q(before=review))
        .order_by("-history_date", "-history_id")
    )
    return stories.annotate(
        submitted_at=Subquery(submissions.values("history_date")[:1]),
        submitted_by_id=Subquery(submissions.values("history_user_id")[:1]),
    )


class StoryPanels:
    """The story panels of one person, at one moment."""

    def __init__(self, user, now):
        self.user = user
        self.now = now
        self.editor = workflow.can_publish(user)
        self.writer = workflow.can_edit(user)  # editors and reporters
        everything = self.editor or not self.writer  # editors, and who only reads
        stories = Article.objects.all() if everything else Article.objects.filter(created_by=user)
        # A desk limited to some editions counts and lists only theirs.
        self.stories = editions.restrict(user, stories)
        self.today_start = schedule.day_start(timezone.localdate(now))
        self.horizon = now + timedelta(hours=AGENDA_HOURS)

    def build(self):
        if not self.user.has_perm("articles.view_article"):
            return []
        counts = self.counts()
        if not self.writer:  # moderators: what went out today, as readers see it
            today = list(self.published_today())
            return [self.published_today_panel(counts["today"], today)]
        drafts = list(self.drafts()) if counts["drafts"] else []
        review = list(self.in_review()) if counts["review"] else []
        planned = list(self.planned()) if counts["planned"] else []
        today = list(self.published_today()) if counts["today"] else []
        attach_authors([*drafts, *review, *planned, *today])
        submitters = get_user_model().objects.in_bulk(
            {story.submitted_by_id for story in review} - {None}
        )
        for story in review:
            story.submitted_by = submitters.get(story.submitted_by_id)
        for story in planned:
            story.desk_status = schedule.desk_status(story, self.now)
            story.desk_url = self.change_url(story)
        return [
            self.drafts_panel(counts["drafts"], drafts),
            self.review_panel(counts["review"], counts["overdue"], review),
            self.scheduled_panel(counts["scheduled"], counts["planned"], planned),
            self.published_today_panel(counts["today"], today),
        ]

    # Queries: one aggregate for every count, one cut list per panel.
    def counts(self):
        now, mine = self.now, Q(created_by=self.user)
        return self.stories.aggregate(
            drafts=Count("pk", filter=Q(status=Article.Status.DRAFT) & mine),
            review=Count("pk", filter=Q(status=Article.Status.IN_REVIEW)),
            overdue=Count("pk", filter=schedule.review_overdue(now)),
            scheduled=Count("pk", filter=schedule.scheduled(now) & Q(publish_at__lt=self.horizon)),
            planned=Count("pk", filter=schedule.planned(now, self.horizon)),
            today=Count("pk", filter=schedule.live(now) & Q(publish_at__gte=self.today_start)),
        )

    def drafts(self):
        return (
            self.stories.filter(status=Article.Status.DRAFT, created_by=self.user)
            .select_related("section")
            .order_by("-updated_at", "-pk")[:FEW]
        )

    def in_review(self):
        return (
            with_submission(self.stories.filter(status=Article.Status.IN_REVIEW))
            .select_related("section")
            .order_by(Coalesce("submitted_at", "updated_at"), "pk")[:FEW]
        )

    def planned(self):
        return (
            self.stories.filter(schedule.planned(self.now, self.horizon))
            .select_related("section")
            .order_by("publish_at", "pk")[:AGENDA_LIMIT]
        )

    def published_today(self):
        return (
            self.stories.filter(schedule.live(self.now), publish_at__gte=self.today_start)
            .select_related("section")
            .order_by("-publish_at", "-pk")[:FEW]
        )

    # Links
    def change_url(self, story):
        return reverse("admin:articles_article_change", args=[story.pk])

    def list_url(self, **filters):
        query = "&".join(f"{name}={value}" for name, value in filters.items())
        return reverse("admin:articles_article_changelist") + (f"?{query}" if query else "")

    def details(self, story):
        names = ", ".join(author.name for author in story.author_list) or story.byline
        return " · ".join(part for part in (str(story.section), names) if part)

    # Panels
    def drafts_panel(self, count, drafts):
        return Panel(
            key="desk-drafts",
            title=_("My drafts"),
            summary=summary(
                ngettext(
                    "<strong>{count}</strong> draft",
                    "<strong>{count}</strong> drafts",
                    count,
                ),
                count,
            ),
            entries=[
                Entry(
                    title=story.headline,
                    language=story.language,
                    url=self.change_url(story),
                    when=_("edited %(ago)s") % {"ago": ago(story.updated_at, self.now)},
                    details=self.details(story),
                )
                for story in drafts
            ],
            links=[(self.list_url(status=Article.Status.DRAFT, mine=1), _("All my drafts"))]
            if count > len(drafts)
            else [],
            empty=_("No drafts. “Write a story” starts one."),
        )

    def review_panel(self, count, overdue, stories):
        everything = _("All stories in review") if self.editor else _("All my stories in review")
        links = [(self.list_url(status=Article.Status.IN_REVIEW), everything)]
        if overdue:
            links.append(
                (
                    self.list_url(status="review-overdue"),
                    ngettext(
                        "%(count)d past its planned time",
                        "%(count)d past their planned time",
                        overdue,
                    )
                    % {"count": overdue},
                )
            )
        return Panel(
            key="desk-review",
            title=_("In review") if self.editor else _("My stories in review"),
            summary=summary(
                ngettext(
                    "<strong>{count}</strong> story waiting for an editor",
                    "<strong>{count}</strong> stories waiting for an editor, oldest first",
                    count,
                ),
                count,
            ),
            entries=[self.review_entry(story) for story in stories],
            links=links,
            empty=_("Nothing waiting for review."),
        )

    def review_entry(self, story):
        submitted = story.submitted_at or story.updated_at
        status = schedule.desk_status(story, self.now)
        return Entry(
            title=story.headline,
            language=story.language,
            url=self.change_url(story),
            when=(
                _("submitted by %(who)s, %(ago)s")
                % {"who": person(story.submitted_by), "ago": ago(submitted, self.now)}
                if story.submitted_by
                else _("submitted %(ago)s") % {"ago": ago(submitted, self.now)}
            ),
            details=self.details(story),
            flag=status.flag
            or (
                _("Planned for %(time)s") % {"time": schedule.short_time(story.publish_at)}
                if story.publish_at
                else ""
            ),
        )

    def scheduled_panel(self, count, planned_count, planned):
        links = [(reverse("admin:articles_article_agenda"), _("The next 7 days"))]
        return Panel(
            key="desk-scheduled",
            title=_("Scheduled, next 48 hours"),
            summary=summary(
                ngettext(
                    "<strong>{count}</strong> story goes live by itself",
                    "<strong>{count}</strong> stories go live by themselves",
                    count,
                ),
                count,
            ),
            hours=schedule.by_hour(planned),
            links=links,
            empty=_("Nothing scheduled in the next 48 hours."),
            template="admin/articles/dashboard/agenda_panel.html",
        )

    def published_today_panel(self, count, stories):
        entries = []
        for story in stories:
            published = date_format(timezone.localtime(story.publish_at), "H:i")
            entry = Entry(
                title=story.headline,
                language=story.language,
                url=self.change_url(story) if self.writer else story.get_absolute_url(),
                when=_("live since %(time)s") % {"time": published},
                details=self.details(story) if self.writer else str(story.section),
            )
            if self.writer:
                entry.extra_url, entry.extra_label = story.get_absolute_url(), _("on the site")
            entries.append(entry)
        day = self.today_start
        links = [
            (
                self.list_url(
                    status=Article.Status.PUBLISHED,
                    publish_at__year=day.year,
                    publish_at__month=day.month,
                    publish_at__day=day.day,
                ),
                _("All published today"),
            )
        ]
        return Panel(
            key="desk-published",
            title=_("Published today"),
            summary=summary(
                ngettext(
                    "<strong>{count}</strong> story published today",
                    "<strong>{count}</strong> stories published today",
                    count,
                ),
                count,
            ),
            entries=entries,
            links=links if count > len(stories) else [],
            empty=_("Nothing published yet today."),
        )


def quick_links(user):
    links = []
    if user.has_perm("articles.add_article"):
        links.append((reverse("admin:articles_article_add"), _("Write a story")))
    if workflow.can_edit(user):
        links.append((reverse("admin:articles_article_changelist"), _("All stories")))
        links.append((reverse("admin:articles_article_agenda"), _("Agenda, next 7 days")))
    return links


def for_request(request, now=None):
    """The dashboard of the signed-in person."""
    user = request.user
    now = now or timezone.now()
    stories = StoryPanels(user, now).build()
    others = [panel for source in PANEL_SOURCES for panel in source(request, now)]
    panels = [*stories, *others] if workflow.can_edit(user) else [*others, *stories]
    return Dashboard(panels=panels, links=quick_links(user))
