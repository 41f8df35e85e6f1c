"""Scheduling is explicit: the Schedule action, the Scheduled status, the agenda, and stories in
review past their planned time flagged. Publishing still needs no job: time alone does it."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.desk import schedule, workflow
from articles.models import Article
from tests import newsroom_day
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.newsroom_day import story

pytestmark = pytest.mark.django_db

AGENDA = reverse("admin:articles_article_agenda")
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def people():
    return newsroom_day.people()


def schedule_url(article):
    return reverse("admin:articles_article_schedule", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def local_input(moment):
    """What a datetime-local input sends for `moment`, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# The workflow function


def test_an_editor_schedules_a_draft_and_time_alone_publishes_it(people, monkeypatch):
    draft = story("Budget day", people["reporter"], Article.Status.DRAFT)
    when = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    workflow.schedule(draft, when, by=people["editor"])
    draft.refresh_from_db()
    assert (draft.status, draft.publish_at) == (Article.Status.PUBLISHED, when)
    assert draft.is_scheduled
    assert schedule.desk_status(draft).label == "Scheduled"
    assert not Article.objects.published().filter(pk=draft.pk).exists()
    assert draft.history.first().history_user == people["editor"]

    later = when + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Article.objects.published().filter(pk=draft.pk).exists()
    assert schedule.desk_status(draft).label == "Published"


@pytest.mark.parametrize("who", ["reporter", "moderator"])
def test_only_an_editor_schedules(people, who):
    draft = story("Budget day", people["reporter"], Article.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        workflow.schedule(draft, timezone.now() + timedelta(hours=1), by=people[who])
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_scheduling_refuses_a_past_time_a_live_story_and_the_trash(people):
    editor = people["editor"]
    draft = story("Budget day", editor, Article.Status.DRAFT)
    with pytest.raises(ValidationError, match="in the future"):
        workflow.schedule(draft, timezone.now() - timedelta(minutes=1), by=editor)
    live = ArticleFactory()
    with pytest.raises(ValidationError, match="unpublish it first"):
        workflow.schedule(live, timezone.now() + timedelta(hours=1), by=editor)
    workflow.trash(draft, by=editor)
    with pytest.raises(ValidationError, match="trash"):
        workflow.schedule(draft, timezone.now() + timedelta(hours=1), by=editor)


def test_a_scheduled_story_can_be_rescheduled_and_an_unpublished_one_brought_back(people):
    editor = people["editor"]
    scheduled = ArticleFactory(publish_at=timezone.now() + timedelta(hours=1))
    workflow.schedule(scheduled, timezone.now() + timedelta(days=1), by=editor)
    assert scheduled.is_scheduled
    assert scheduled.pub_date == timezone.localdate(scheduled.publish_at)  # its URL moves too

    withdrawn = ArticleFactory()
    url = withdrawn.get_absolute_url()
    workflow.unpublish(withdrawn, by=editor)
    workflow.schedule(withdrawn, timezone.now() + timedelta(hours=3), by=editor)
    assert withdrawn.is_scheduled
    assert withdrawn.get_absolute_url() == url  # first published before: the address stays


# The Schedule action in the desk


def test_the_change_form_offers_schedule_to_editors_only(client, people):
    draft = story("Budget day", people["reporter"], Article.Status.DRAFT)
    client.force_login(people["editor"])
    assert 'name="_schedule"' in client.get(change_url(draft)).content.decode()
    assert 'name="_schedule"' in client.get(reverse("admin:articles_article_add")).content.decode()
    live = ArticleFactory()
    assert 'name="_schedule"' not in client.get(change_url(live)).content.decode()
    client.force_login(people["reporter"])
    assert 'name="_schedule"' not in client.get(change_url(draft)).content.decode()
    client.force_login(people["moderator"])
    assert 'name="_schedule"' not in client.get(change_url(draft)).content.decode()


def form_data(article, **changes):
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "story_type": article.story_type,
        "section": article.section_id,
        "status": article.status,
        "comments_enabled": "on",
        "priority": 0,
        # The version the form was opened on (articles.desk.conflicts): the one stored.
        "_version": stored_version(article),
    }
    for prefix in ("articleauthor_set", "related_links", "corrections"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def test_schedule_saves_what_was_typed_then_asks_for_the_time(client, people):
    draft = story("Budget day", people["editor"], Article.Status.DRAFT)
    client.force_login(people["editor"])
    response = client.post(
        change_url(draft), form_data(draft, headline="Budget day: the vote", _schedule="1")
    )
    assert response.status_code == 302
    assert response["Location"] == schedule_url(draft)
    draft.refresh_from_db()
    assert draft.headline == "Budget day: the vote"  # nothing typed is lost
    assert draft.status == Article.Status.DRAFT  # not scheduled until a time is chosen

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Choose when it goes live" in html  # the message of the save
    assert 'type="datetime-local"' in html and "Europe/London" in html


def test_a_reporters_schedule_button_is_only_a_save(client, people):
    draft = story("Budget day", people["reporter"], Article.Status.DRAFT)
    client.force_login(people["reporter"])
    response = client.post(change_url(draft), form_data(draft, _schedule="1"))
    assert response.status_code == 302
    assert response["Location"] != schedule_url(draft)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_an_editor_schedules_from_the_schedule_page(client, people):
    draft = story("Budget day", people["reporter"], Article.Status.DRAFT)
    when = (timezone.now() + timedelta(hours=5)).replace(second=0, microsecond=0)
    client.force_login(people["editor"])
    response = client.post(schedule_url(draft), {"publish_at": local_input(when)})
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.is_scheduled and draft.publish_at == when
    assert LogEntry.objects.get(object_id=str(draft.pk)).get_change_message() == "Scheduled."
    page = client.get(response["Location"]).content.decode()
    assert "is scheduled." in page and "Scheduled: readers see this story from" in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "This field is required."),
        ("not a time", "Enter a valid date/time."),
        ("2001-01-01T09:00", "Choose a time in the future"),
    ],
)
def test_a_wrong_time_is_refused_with_the_reason(client, people, value, message):
    draft = story("Budget day", people["reporter"], Article.Status.DRAFT)
    client.force_login(people["editor"])
    response = client.post(schedule_url(draft), {"publish_at": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_a_live_story_cannot_be_scheduled_from_the_page(client, people):
    live = ArticleFactory()
    client.force_login(people["editor"])
    future = local_input(timezone.now() + timedelta(hours=2))
    response = client.post(schedule_url(live), {"publish_at": future})
    assert response.status_code == 200
    assert "unpublish it first" in response.content.decode()


@pytest.mark.parametrize("who", ["reporter", "moderator"])
def test_the_schedule_page_refuses_who_may_not_publish(client, people, who):
    own = story("Budget day", people["reporter"], Article.Status.DRAFT)
    client.force_login(people[who])
    assert client.get(schedule_url(own)).status_code == 403
    future = local_input(timezone.now() + timedelta(hours=2))
    assert client.post(schedule_url(own), {"publish_at": future}).status_code == 403
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT


def test_the_schedule_page_of_no_story_is_a_404(client, people):
    client.force_login(people["editor"])
    assert client.get(reverse("admin:articles_article_schedule", args=[999999])).status_code == 404


# The Scheduled status and the flag in the story list


def test_the_story_list_filters_scheduled_live_and_overdue_review(client, people):
    now = timezone.now()
    editor = people["editor"]
    scheduled = story("Tomorrow's", editor, "published", publish_at=now + timedelta(days=1))
    live = story("Today's", editor, "published", publish_at=now - timedelta(hours=1))
    overdue = story("Late", editor, "review", publish_at=now - timedelta(hours=2))
    on_time = story("On time", editor, "review", publish_at=now + timedelta(hours=2))
    client.force_login(editor)

    def listed(status):
        response = client.get(CHANGELIST, {"status": status})
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert listed("scheduled") == {scheduled}
    assert listed("published") == {live}
    assert listed("review") == {overdue, on_time}
    assert listed("review-overdue") == {overdue}

    html = client.get(CHANGELIST).content.decode()
    assert '<span class="desk-status scheduled">Scheduled</span>' in html
    assert html.count(">past its planned time</span>") == 1  # the overdue one's flag
    filters = html.split('id="changelist-filter"')[1]
    assert "Scheduled" in filters and "In review, past its planned time" in filters


def test_the_story_page_says_when_it_goes_live_or_that_its_time_passed(client, people):
    now = timezone.now()
    scheduled = story("Tomorrow's", people["editor"], "published", publish_at=now + timedelta(1))
    overdue = story("Late", people["reporter"], "review", publish_at=now - timedelta(hours=2))
    client.force_login(people["editor"])
    assert "Scheduled: readers see this story from" in (
        client.get(change_url(scheduled)).content.decode()
    )
    client.force_login(people["reporter"])
    html = client.get(change_url(overdue)).content.decode()
    assert "still in review" in html and "Planned for" in html


# The agenda


def test_the_agenda_lists_seven_days_by_day_and_hour(client, people):
    now = timezone.now()
    editor = people["editor"]
    soon = story("In two hours", editor, "published", publish_at=now + timedelta(hours=2))
    planned = story("Awaiting approval", editor, "review", publish_at=now + timedelta(days=2))
    sixth = story("Six days on", editor, "published", publish_at=now + timedelta(days=6))
    beyond = story("Ten days on", editor, "published", publish_at=now + timedelta(days=10))
    story("A draft with a time", editor, "draft", publish_at=now + timedelta(days=1))
    client.force_login(editor)
    response = client.get(AGENDA)
    assert response.status_code == 200
    days = response.context["days"]
    assert [day.date for day in days] == [
        timezone.localdate() + timedelta(days=n) for n in range(7)
    ]
    listed = [story for day in days for hour in day.hours for story in hour.stories]
    assert listed == [soon, planned, sixth]
    html = response.content.decode()
    assert "Not approved yet" in html  # the one in review
    assert beyond.headline not in html
    assert change_url(soon) in html
    assert "Today" in html

    later = client.get(AGENDA, {"start": response.context["window"].next_day.isoformat()})
    assert beyond.headline in later.content.decode()


def test_a_reporter_sees_only_their_own_in_the_agenda(client, people):
    now = timezone.now()
    own = story("Mine", people["reporter"], "published", publish_at=now + timedelta(hours=2))
    theirs = story("Theirs", people["colleague"], "published", publish_at=now + timedelta(hours=2))
    client.force_login(people["reporter"])
    html = client.get(AGENDA).content.decode()
    assert own.headline in html and theirs.headline not in html


@pytest.mark.parametrize("start", ["not-a-date", "2024-02-30", "9999-12-30", "0001-01-01"])
def test_the_agenda_takes_any_start_without_a_500(client, people, start):
    client.force_login(people["editor"])
    response = client.get(AGENDA, {"start": start})
    assert response.status_code == 200
    # Not a date, or a week the calendar cannot hold (nor the one before it): today's.
    assert response.context["window"].first_day == timezone.localdate()


def test_the_agenda_is_bounded(client, people, monkeypatch):
    monkeypatch.setattr(schedule, "AGENDA_LIMIT", 3)
    now = timezone.now()
    for n in range(5):
        story(f"Story {n}", people["editor"], "published", publish_at=now + timedelta(hours=n + 1))
    client.force_login(people["editor"])
    response = client.get(AGENDA)
    listed = [story for day in response.context["days"] for h in day.hours for story in h.stories]
    assert len(listed) == 3
    assert "Only the first 3 stories" in response.content.decode()


def test_the_agenda_costs_the_same_whatever_the_size(
    client, people, django_assert_max_num_queries
):
    section = SectionFactory()
    authors = [AuthorFactory(), AuthorFactory()]

    def add(n):
        now = timezone.now()
        for i in range(n):
            story(
                f"Planned {Article.objects.count()}",
                people["editor"],
                "published",
                publish_at=now + timedelta(hours=1 + i),
                section=section,
                authors=authors,
            )

    add(3)
    client.force_login(people["editor"])
    client.get(AGENDA)  # warm the caches of a long-lived process
    with CaptureQueriesContext(connection) as few:
        client.get(AGENDA)
    add(30)
    with CaptureQueriesContext(connection) as many:
        client.get(AGENDA)
    assert len(many) == len(few)
    print(f"agenda: {len(many)} queries")
    # Session, user, two-factor device, the user's and groups' permissions, the stories,
    # their bylines.
    with django_assert_max_num_queries(7):
        client.get(AGENDA)


def stored_version(article):
    from articles.models import Article

    found = Article.objects.filter(pk=article.pk).values_list("version", flat=True).first()
    return found or 0
