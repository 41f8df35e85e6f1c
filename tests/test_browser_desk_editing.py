"""The story editor in Chromium: two editors on one story, autosave and restore, takeover,
preview. Every wait is for a condition (a request, an element), never for a time."""

import pytest
from playwright.sync_api import expect

from articles.desk.models import Autosave
from articles.models import Article
from tests.conftest import BROWSER_TIMEOUT_MS
from tests.desk_helpers import change_url, editor
from tests.factories import ArticleFactory, SectionFactory
from tests.test_browser_desk import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "<p>The ferry company announced its winter timetable on Monday.</p>"
    "<p>Season tickets stay at the same price.</p>"
)


@pytest.fixture
def story():
    return ArticleFactory(
        section=SectionFactory(name="City", slug="city"),
        headline="Ferry timetable changes for winter",
        slug="ferry-timetable",
        body=BODY,
        status=Article.Status.DRAFT,
        publish_at=None,
    )


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def body_editor(page):
    editor_area = page.locator(".prose-editor [contenteditable=true].ProseMirror")
    expect(editor_area).to_be_visible()
    return editor_area


def type_at_the_end(page, text):
    body_editor(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def script_errors(page):
    return [e for e in page.console_errors if "Failed to load resource" not in e]


def test_two_editors_edit_one_story_and_the_merge_keeps_both(page, second_page, story):
    editor("anna", "Anna", "Berg")
    editor("ben", "Ben", "Okafor")
    anna, ben = page, second_page
    log_in(anna, "anna")
    log_in(ben, "ben")
    anna.goto(change_url(story))
    body_editor(anna)
    ben.goto(change_url(story))
    expect(ben.locator("#desk-presence")).to_contain_text("Being edited by Anna Berg since")

    anna.fill("#id_headline", "Winter ferry timetable: fewer evening crossings")
    anna.click("input[name=_continue]")
    expect(anna.locator(".messagelist")).to_contain_text("was changed successfully")

    type_at_the_end(ben, "Morning sailings are unchanged.")
    ben.click("input[name=_save]")
    expect(ben.locator(".errorlist")).to_contain_text("Anna Berg saved this story at")
    conflict = ben.locator("#edit-conflict")
    expect(conflict).to_contain_text("Saved by Anna Berg at")
    headline_row = conflict.locator("tr[data-field=headline]")
    expect(headline_row.locator(".desk-theirs ins")).to_contain_text("fewer evening crossings")
    expect(headline_row.locator(".desk-pick")).to_contain_text("Theirs")
    body_row = conflict.locator("tr[data-field=body]")
    expect(body_row.locator(".desk-mine ins")).to_contain_text("Morning sailings are unchanged.")
    expect(body_row.locator(".desk-mine")).not_to_contain_text("<p>")  # text, not markup
    expect(body_editor(ben)).to_contain_text("Morning sailings are unchanged.")  # nothing lost

    ben.click("button[name=_conflict][value=merge]")
    expect(ben.locator(".messagelist")).to_contain_text("Merged with the changes saved meanwhile")
    merged = Article.objects.get(pk=story.pk)
    assert merged.headline == "Winter ferry timetable: fewer evening crossings"
    assert "<p>Morning sailings are unchanged.</p>" in merged.body
    assert "Season tickets stay at the same price." in merged.body
    assert script_errors(anna) == [] and script_errors(ben) == []


def test_autosaved_changes_come_back_after_a_reload(page, story):
    anna = editor("anna", "Anna", "Berg")
    log_in(page, "anna")
    page.goto(change_url(story))
    type_at_the_end(page, "A paragraph typed but never saved.")
    page.fill("#id_standfirst", "A standfirst typed but never saved.")
    with page.expect_request(lambda r: r.method == "POST" and "/autosave/" in r.url):
        assert page.evaluate("() => window.deskEditing.autosave()") is True
    expect(page.locator("#desk-autosave-status")).to_contain_text("Changes autosaved at")
    assert Autosave.objects.filter(user=anna, article=story).exists()
    assert Article.objects.get(pk=story.pk).body == BODY  # not a change of the story

    page.goto(change_url(story))  # a fresh load: the browser keeps nothing of the form
    expect(page.locator("#id_standfirst")).to_have_value(story.standfirst)
    expect(body_editor(page)).not_to_contain_text("A paragraph typed but never saved.")
    offer = page.locator("#desk-autosave-offer")
    expect(offer).to_contain_text("were autosaved but never saved to the story")
    offer.locator("[data-desk-restore]").click()
    expect(body_editor(page)).to_contain_text("A paragraph typed but never saved.")
    expect(page.locator("#id_standfirst")).to_have_value("A standfirst typed but never saved.")
    expect(offer).to_be_hidden()
    # The form now says what the restored content was written on: a save meanwhile would show.
    expect(page.locator("input[name=_version]")).to_have_value(str(story.version))

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=story.pk)
    assert "<p>A paragraph typed but never saved.</p>" in saved.body
    assert saved.standfirst == "A standfirst typed but never saved."
    assert not Autosave.objects.filter(user=anna, article=story).exists()
    assert script_errors(page) == []


def test_take_over_and_the_first_editor_learns_it(page, second_page, story):
    editor("anna", "Anna", "Berg")
    editor("ben", "Ben", "Okafor")
    anna, ben = page, second_page
    log_in(anna, "anna")
    log_in(ben, "ben")
    anna.goto(change_url(story))
    body_editor(anna)
    ben.goto(change_url(story))
    ben.locator(".desk-take-over button").click()
    expect(ben.locator("#desk-presence")).to_be_hidden()

    with anna.expect_request(lambda r: "/presence/" in r.url):
        anna.evaluate("() => window.deskEditing.heartbeat()")
    expect(anna.locator("#desk-presence")).to_contain_text("Ben Okafor took this story over")
    assert script_errors(anna) == [] and script_errors(ben) == []


def test_preview_opens_the_unsaved_story_in_a_new_tab(page, story):
    editor("anna", "Anna", "Berg")
    log_in(page, "anna")
    page.goto(change_url(story))
    page.fill("#id_headline", "A headline nobody saved yet")
    type_at_the_end(page, "Typed for the preview.")
    with page.expect_popup() as popup_info:
        page.click("#desk-preview")
    preview = popup_info.value
    expect(preview.locator("h1")).to_have_text("A headline nobody saved yet")
    expect(preview.locator(".story-body")).to_contain_text("Typed for the preview.")
    expect(preview.locator(".alert-warning")).to_contain_text("Unsaved changes from the editor")
    assert Article.objects.get(pk=story.pk).headline == "Ferry timetable changes for winter"
    # The editor goes on: the form is still there, with what was typed.
    expect(page.locator("#id_headline")).to_have_value("A headline nobody saved yet")
    assert script_errors(page) == []
