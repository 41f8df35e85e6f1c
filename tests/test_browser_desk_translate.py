"""Translate in Chromium: an editor opens an English story, translates it into Arabic,
writes the Arabic over the original's text and publishes it; a reader of the English story
follows the language switcher to the Arabic one, right to left, and comments in Arabic; the
comment reaches the moderation queue, and once approved the Arabic story shows it."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from articles.desk import roles
from articles.models import Article
from comments.models import Comment
from tests.comment_helpers import _fresh_cache  # noqa: F401
from tests.factories import ArticleFactory, ImageFactory, SectionFactory, StaffFactory
from tests.test_browser_comments import log_in_moderator
from tests.test_browser_desk import log_in

pytestmark = [
    pytest.mark.browser,
    # The live server needs real transactions (see test_browser_desk).
    pytest.mark.django_db(transaction=True),
]

HEADLINE_AR = "تغييرات في جدول العبارات لفصل الشتاء"
STANDFIRST_AR = "رحلات مسائية أقل ابتداءً من الأسبوع المقبل."
BODY_AR = "أعلنت شركة العبارات جدولها الشتوي يوم الاثنين."
COMMENT_AR = "أتمنى أن تعود الرحلات المسائية في الربيع."


@pytest.fixture
def english_story():
    section = SectionFactory(name="City", slug="city")
    depot = ArticleFactory(section=section, headline="Quayside tram depot approved", slug="depot")
    ArticleFactory(
        section=section,
        headline="الموافقة على مستودع الترام",
        slug="depot-ar",
        language="ar",
        translation_key=depot.translation_key,
    )
    story = ArticleFactory(
        section=section,
        headline="Ferry timetable changes for winter",
        slug="ferry-timetable",
        standfirst="Fewer evening crossings from next week.",
        body="<p>The ferry company announced its winter timetable on Monday.</p>",
        lead_image=ImageFactory(),
    )
    story.relate(depot)
    return story


def test_editor_translates_publishes_and_a_reader_switches_to_it_and_comments(
    page, browser, live_server, english_story, settings
):
    # Playwright types faster than any person: only the form's two-hour expiry is left.
    settings.COMMENTS_MIN_SECONDS = 0
    StaffFactory(username="editor", role=roles.EDITORS)
    log_in(page, "editor")
    page.goto(f"/admin/articles/article/{english_story.pk}/change/")
    page.select_option("#desk-translate-language", "ar")
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("The Arabic version of")
    draft = Article.objects.get(translation_key=english_story.translation_key, language="ar")
    page.wait_for_url(f"**/admin/articles/article/{draft.pk}/change/")
    # The original's text, to write over; what does not depend on the language, carried over.
    expect(page.locator("#id_headline")).to_have_value("Ferry timetable changes for winter")
    expect(page.locator("#id_lead_image + .select2")).to_contain_text(
        "The vote in the council chamber"
    )
    expect(page.locator("#id_related_links-0-target + .select2")).to_contain_text(
        "الموافقة على مستودع الترام"
    )

    page.fill("#id_headline", HEADLINE_AR)
    page.fill("#id_standfirst", STANDFIRST_AR)
    body = page.locator(".prose-editor [contenteditable=true].ProseMirror")
    expect(body).to_be_visible()
    body.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(BODY_AR)
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    draft.refresh_from_db()
    assert draft.is_published and draft.headline == HEADLINE_AR
    assert BODY_AR in draft.body and "ferry company" not in draft.body

    reader = browser.new_context(base_url=live_server.url)
    try:
        story_page = reader.new_page()
        story_page.goto(english_story.get_absolute_url())
        expect(story_page.locator("h1")).to_have_text("Ferry timetable changes for winter")
        story_page.locator(".site-editions a[hreflang=ar]").click()
        story_page.wait_for_url(f"**{draft.get_absolute_url()}")
        expect(story_page.locator("html")).to_have_attribute("dir", "rtl")
        expect(story_page.locator("html")).to_have_attribute("lang", "ar")
        expect(story_page.locator("h1")).to_have_text(HEADLINE_AR)
        expect(story_page.locator("body")).to_contain_text(BODY_AR)

        # The reader comments in Arabic, on a form that speaks Arabic.
        with translation.override("ar"):
            heading = translation.gettext("Post your comments")
            post = translation.gettext("Post comment")
            waiting = translation.gettext("Thank you. Your comment is awaiting moderation.")
        expect(story_page.get_by_role("heading", name=heading)).to_be_visible()
        story_page.fill("#id_name", "سامية")
        story_page.fill("#id_email", "samia@example.org")
        story_page.fill("#id_body", COMMENT_AR)
        story_page.get_by_role("button", name=post).click()
        story_page.wait_for_url(f"**{draft.get_absolute_url()}#comments")
        expect(story_page.locator("html")).to_have_attribute("lang", "ar")
        expect(story_page.locator(".comment-awaiting")).to_contain_text(COMMENT_AR)
        expect(story_page.locator("body")).to_contain_text(waiting)
        comment = Comment.objects.get()
        assert comment.article == draft and comment.status == Comment.Status.PENDING

        # It reaches the moderation queue; approved, the Arabic story shows it to everyone.
        desk = browser.new_context(base_url=live_server.url).new_page()
        try:
            log_in_moderator(desk)
            item = desk.locator(".queue-item.is-current")
            expect(item).to_contain_text(COMMENT_AR)
            expect(item).to_contain_text(HEADLINE_AR)
            desk.keyboard.press("a")
            expect(desk.locator("#queue-waiting")).to_have_text("0")
        finally:
            desk.context.close()
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        stranger = reader.new_page()
        stranger.context.clear_cookies()
        stranger.goto(draft.get_absolute_url())
        expect(stranger.locator("#comments")).to_contain_text(COMMENT_AR)
        assert "samia@example.org" not in stranger.content()
    finally:
        reader.close()
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []
