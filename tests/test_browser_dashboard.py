"""The desk's day in Chromium: the admin home per role, scheduling from the Schedule action
(and the story appearing to readers at its time, the clock moved, not waited for), and the
story list on a 1280-pixel screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, ArticleAuthor
from tests import newsroom_day
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [
    pytest.mark.browser,
    # The live server needs real transactions (see tests/test_browser_desk.py).
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery"


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Welcome")


def panel_ids(page):
    return page.locator(".desk-panel").evaluate_all("panels => panels.map(p => p.id)")


def no_errors(page):
    return [e for e in page.console_errors if "Failed to load resource" not in e] == []


@pytest.fixture
def day():
    people = newsroom_day.people()
    return people, newsroom_day.a_day(people)


@pytest.mark.parametrize(
    ("role", "panels", "shown", "hidden"),
    [
        (
            "editor",
            [
                "desk-drafts",
                "desk-review",
                "desk-scheduled",
                "desk-published",
                "comments-waiting",
                "comments-reported",
            ],
            ["Colin's school story", "Rita's harbour story", "Colin's morning column"],
            [],
        ),
        (
            "reporter",
            ["desk-drafts", "desk-review", "desk-scheduled", "desk-published"],
            ["Rita's draft on the tram", "Rita's harbour story", "Rita's evening bulletin"],
            ["Colin's school story", "Colin's morning column", "Comments waiting"],
        ),
        (
            "moderator",
            ["comments-waiting", "comments-reported", "desk-published"],
            ["A question about the vote", "Rude remark about the mayor", "Colin's council story"],
            ["Write a story", "In review", "Scheduled, next 48 hours"],
        ),
    ],
)
def test_the_admin_home_per_role(page, day, role, panels, shown, hidden):
    log_in(page, role)
    page.goto("/admin/")
    expect(page.locator("#desk-dashboard")).to_be_visible()
    assert panel_ids(page) == panels
    dashboard = page.locator("#desk-dashboard")
    for text in shown:
        expect(dashboard).to_contain_text(text)
    for text in hidden:
        expect(page.locator("#content-main")).not_to_contain_text(text)
    expect(page.locator("#desk-apps")).to_be_visible()  # Django's app list, below
    if role == "editor":
        expect(page.locator("#desk-review")).to_contain_text("still in review")
        page.locator("#desk-review a", has_text="Colin's school story").click()
        expect(page.locator("#id_headline")).to_have_value("Colin's school story")
    if role == "moderator":
        page.locator("#comments-waiting a", has_text="All waiting comments").click()
        page.wait_for_url("**/admin/comments/comment/?queue=pending")
        expect(page.locator("#result_list")).to_contain_text("A question about the vote")
    assert no_errors(page)


def test_an_editor_schedules_a_story_that_readers_see_at_its_time(
    page, browser, live_server, day, monkeypatch
):
    people, stories = day
    draft = stories["editor_draft"]
    log_in(page, "editor")
    page.goto(f"/admin/articles/article/{draft.pk}/change/")
    page.fill("#id_headline", "Budget passes after a night of votes")
    page.click("input[name=_schedule]")
    # What was typed is saved first; then the time is asked.
    page.wait_for_url(f"**/admin/articles/article/{draft.pk}/schedule/")
    expect(page.locator(".messagelist")).to_contain_text("Choose when it goes live")
    when = timezone.localtime(timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    page.fill("#id_publish_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("#schedule-form input[type=submit]")
    page.wait_for_url(f"**/admin/articles/article/{draft.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("is scheduled.")
    expect(page.locator(".messagelist")).to_contain_text("Scheduled: readers see this story from")

    story = Article.objects.get(pk=draft.pk)
    assert story.headline == "Budget passes after a night of votes"
    assert story.is_scheduled and story.publish_at == when

    # Scheduled in the list, in the agenda, and on the dashboard.
    page.goto("/admin/articles/article/?status=scheduled")
    row = page.locator("#result_list tr", has_text="Budget passes after a night of votes")
    expect(row.locator(".desk-status")).to_have_text("Scheduled")
    page.goto("/admin/articles/article/agenda/")
    entry = page.locator(".agenda-day .desk-entry", has_text="Budget passes")
    expect(entry).to_contain_text(when.strftime("%H:%M"))
    expect(entry.locator(".desk-status")).to_have_text("Scheduled")
    page.goto("/admin/")
    expect(page.locator("#desk-scheduled")).to_contain_text("Budget passes after a night")

    # A reader: not yet; then, the clock moved past its time, there it is (no job ran).
    reader = browser.new_context(base_url=live_server.url).new_page()
    url = story.get_absolute_url()
    assert reader.goto(url).status == 404
    later = story.publish_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert reader.goto(url).status == 200
    expect(reader.locator("h1")).to_have_text("Budget passes after a night of votes")
    reader.goto("/")
    expect(reader.locator("body")).to_contain_text("Budget passes after a night of votes")
    reader.context.close()
    assert no_errors(page)


def test_the_story_list_fits_a_1280_pixel_screen(page, day):
    sections = [
        SectionFactory(name=name, slug=f"s-{n}")
        for n, name in enumerate(["Business and economy", "Science and environment", "World"])
    ]
    authors = [
        AuthorFactory(name=name)
        for name in (
            "Alexandra Montgomery-Smythe",
            "Bartholomew Okonkwo-Williams",
            "Cecilia Fernández de la Vega",
        )
    ]
    now = timezone.now()
    statuses = [Article.Status.PUBLISHED, Article.Status.IN_REVIEW, Article.Status.DRAFT]
    for n in range(50):
        story = ArticleFactory(
            headline=(
                "Regional transport authority announces sweeping overhaul of the night "
                f"bus network after months of complaints from shift workers ({n})"
            ),
            slug=f"night-buses-{n}",
            section=sections[n % 3],
            status=statuses[n % 3],
            publish_at=now + timedelta(hours=n - 25),
        )
        for order, author in enumerate(authors[: 1 + n % 3]):
            ArticleAuthor.objects.create(article=story, author=author, order=order)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "editor")
    page.goto("/admin/articles/article/")
    expect(page.locator("#result_list")).to_be_visible()
    expect(page.locator("#nav-sidebar")).to_be_visible()  # Django's menu open, as by default
    measured = page.evaluate(
        """() => {
        const results = document.querySelector('#result_list').parentElement;
        const headline = document.querySelector('#result_list .field-headline_and_byline');
        const titles = [...document.querySelectorAll('#result_list .story-headline')];
        const lineHeight = parseFloat(getComputedStyle(titles[0]).lineHeight);
        return {
          page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
          results: [results.scrollWidth, results.clientWidth],
          headlineWidth: headline.getBoundingClientRect().width,
          headlineLines: Math.max(
            ...titles.map(t => Math.round(t.getBoundingClientRect().height / lineHeight))
          ),
          lastColumnRight: document.querySelector('#result_list th:last-child')
            .getBoundingClientRect().right,
        };
    }"""
    )
    assert measured["page"][0] <= measured["page"][1], measured  # no sideways scroll
    assert measured["results"][0] <= measured["results"][1], measured  # nor in the table
    assert measured["lastColumnRight"] <= 1280, measured
    # A 20-word headline reads in a few lines, not a word a line.
    assert measured["headlineWidth"] >= 300, measured
    assert measured["headlineLines"] <= 4, measured
    assert no_errors(page)
