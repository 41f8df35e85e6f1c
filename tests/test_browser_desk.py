"""The story desk in Chromium: an editor publishes a story; a reporter can only submit one."""

import re

import pytest
from playwright.sync_api import expect

from articles.desk import roles
from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory, StaffFactory, image_bytes

pytestmark = [
    pytest.mark.browser,
    # The live server needs real transactions. A flush empties the roles' groups, which
    # StaffFactory recreates; a serialized rollback would clash with the content types the
    # flush after another app's live-server test has already put back.
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery"


@pytest.fixture
def newsroom():
    section = SectionFactory(name="City", slug="city")
    related = [
        ArticleFactory(
            section=section, headline="Quayside tram depot plan approved", slug="depot"
        ),
        ArticleFactory(section=section, headline="Bridge repairs divert route 14", slug="bridge"),
    ]
    return {"section": section, "related": related}


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


def choose(page, select_id, text):
    """Pick `text` in a Django admin autocomplete (select2) widget."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def upload_lead_image(page, tmp_path):
    picture = tmp_path / "ferry.png"
    picture.write_bytes(image_bytes(size=(800, 450), fmt="PNG"))
    with page.expect_popup() as popup_info:
        page.click("#add_id_lead_image")
    popup = popup_info.value
    popup.set_input_files("#id_file", str(picture))
    popup.fill("#id_alt_text", "The morning ferry leaving the quay")
    popup.fill("#id_credit", "Desk photographer")
    # Listen before clicking: the popup may close before a busy test gets round to waiting.
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    expect(page.locator("#id_lead_image + .select2")).to_contain_text("The morning ferry")


def write_story(page, tmp_path, headline):
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", headline)
    page.fill("#id_standfirst", "Fewer crossings after eight in the evening from next week.")
    editor = page.locator(".prose-editor [contenteditable=true].ProseMirror")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type("The ferry company announced its winter timetable on Monday.")
    page.keyboard.press("Enter")
    page.keyboard.type("Season tickets stay at the same price.")
    upload_lead_image(page, tmp_path)
    choose(page, "id_section", "City")
    page.fill("#id_tags", "Ferries, Transport")
    choose(page, "id_related_links-0-target", "Quayside tram depot")
    choose(page, "id_related_links-1-target", "Bridge repairs")
    expect(page.locator("#id_slug")).to_have_value(re.compile(r"^ferry-timetable"))


def saved_story(headline):
    story = Article.objects.get(headline=headline)
    assert "<p>The ferry company announced its winter timetable on Monday.</p>" in story.body
    assert "Season tickets stay at the same price." in story.body
    assert set(story.tags.names()) == {"Ferries", "Transport"}
    assert story.lead_image.alt_text == "The morning ferry leaving the quay"
    assert story.lead_image.renditions
    assert [link.target.slug for link in story.related_links.all()] == ["depot", "bridge"]
    return story


def test_editor_writes_publishes_and_views_a_story(page, newsroom, tmp_path):
    StaffFactory(username="editor", role=roles.EDITORS)
    log_in(page, "editor")
    headline = "Ferry timetable changes for winter"
    write_story(page, tmp_path, headline)
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    story = saved_story(headline)
    assert story.is_published and story.created_by.username == "editor"

    page.click("a.viewsitelink")
    page.wait_for_url(f"**{story.get_absolute_url()}")
    story_page = page
    expect(story_page.locator("h1")).to_have_text(headline)
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []


def test_reporter_can_only_submit_for_review(page, newsroom, tmp_path):
    StaffFactory(username="reporter", role=roles.REPORTERS)
    log_in(page, "reporter")
    headline = "Ferry timetable changes for the holidays"
    write_story(page, tmp_path, headline)
    options = page.locator("#id_status option").all_inner_texts()
    assert options == ["Draft", "In review"]
    expect(page.locator("#id_publish_at_0")).to_have_count(0)  # scheduling is the desk's
    page.select_option("#id_status", "review")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    story = saved_story(headline)
    assert story.status == Article.Status.IN_REVIEW and not story.is_published

    page.goto("/admin/articles/article/")
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "Submit selected stories for review" in actions
    assert not any("Publish" in action or "Delete" in action for action in actions)
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []
