"""In Chromium: an editor sends a story back with a note; its reporter sees why, answers with
a note of their own and submits it again."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.desk import roles
from articles.models import Article, EditorialNote
from tests.factories import ArticleFactory, StaffFactory
from tests.test_browser_desk import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.first_name)


def test_an_editor_sends_a_story_back_and_the_reporter_sees_the_note(browser, live_server):
    editor = StaffFactory(
        username="edna", first_name="Edna", last_name="Ryder", role=roles.EDITORS
    )
    reporter = StaffFactory(
        username="rui", first_name="Rui", last_name="Pereira", role=roles.REPORTERS
    )
    story = ArticleFactory(
        headline="Harbour dredging to start in spring",
        slug="harbour-dredging",
        status=Article.Status.IN_REVIEW,
        publish_at=None,
        created_by=reporter,
    )
    change = f"/admin/articles/article/{story.pk}/change/"
    contexts = []
    try:
        # The editor, reviewing.
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        log_in(page, editor)
        page.goto(change)
        page.get_by_role("link", name="Send back to the reporter").click()
        expect(page.locator("h1")).to_have_text("Send the story back to its reporter")
        page.fill(
            "#id_note", "Needs a second source for the cost figure.\nCall the port authority."
        )
        page.get_by_role("button", name="Send back to draft").click()
        page.wait_for_url(f"**{change}")
        expect(page.locator(".messagelist")).to_contain_text("is a draft again")
        expect(page.locator("#id_status")).to_have_value("draft")
        expect(page.locator(".editorial-note-list")).to_contain_text("Call the port authority.")
        expect(page.get_by_role("link", name="Send back to the reporter")).to_have_count(0)

        # The reporter, in a browser of their own.
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        log_in(page, reporter)
        page.goto(change)
        expect(page.locator(".messagelist")).to_contain_text("Sent back to draft by Edna Ryder")
        note = page.locator(".editorial-note-sent_back")
        expect(note).to_contain_text("Edna Ryder")
        expect(note).to_contain_text("Needs a second source for the cost figure.")
        expect(note).to_contain_text("Call the port authority.")
        # They answer with a note and send it back to review, in one save.
        page.fill("#id_editorial_notes-0-text", "Port authority confirmed the figure.")
        page.select_option("#id_status", "review")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        notes = page.locator(".editorial-note-list .editorial-note")
        expect(notes).to_have_count(2)
        expect(notes.first).to_contain_text("Rui Pereira")
        expect(notes.first).to_contain_text("Port authority confirmed the figure.")
        expect(page.locator(".messagelist")).not_to_contain_text("Sent back to draft by")
    finally:
        for context in contexts:
            context.close()

    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW
    assert list(story.editorial_notes.values_list("kind", "author__username")) == [
        (EditorialNote.Kind.NOTE, "rui"),
        (EditorialNote.Kind.SENT_BACK, "edna"),
    ]
    # The worker (immediate in tests) mailed the reporter the note, then the editor the
    # story back in review.
    assert [(m.to, m.subject.split(":")[0]) for m in mail.outbox] == [
        (["rui@newsroom.test"], "[The Newsroom] Sent back to you"),
        (["edna@newsroom.test"], "[The Newsroom] For review"),
    ]
