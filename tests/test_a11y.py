"""axe-core in Chromium: zero WCAG 2.1 A/AA violations on every kind of reader page."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.conftest import BROWSER_TIMEOUT_MS
from tests.reader_data import assert_accessible, reader_paper

pytestmark = pytest.mark.browser


@pytest.fixture
def paper(transactional_db):
    return reader_paper()


def test_reader_pages_pass_axe(page, paper):
    story, _related = paper
    replying_to = story.comments.get(name="Rita Reader").pk
    pages = [
        ("/", "The Newsroom", 200),
        (story.get_absolute_url(), story.headline, 200),
        (f"{story.get_absolute_url()}?replyto={replying_to}#respond", story.headline, 200),
        ("/section/politics/", "Politics", 200),
        ("/tag/housing/", "housing", 200),
        ("/author/ann-writer/", "Ann Writer", 200),
        ("/search/?q=housing", "Search", 200),
        ("/search/?q=", "Search", 200),
        ("/no/such/page/", "Page not found", 404),
    ]
    for url, heading, status in pages:
        response = page.goto(url)
        assert response.status == status, url
        assert heading in page.locator("h1").inner_text(), url
        assert page.locator("h1").count() == 1, url
        if url.startswith(story.get_absolute_url()):
            # The comments block is on the page being checked: threads and the form.
            assert page.locator(".comment-replies .comment-replies .comment").count() == 1
            assert page.locator("#comment-form textarea").count() == 1
            if "replyto" in url:
                assert page.get_by_text("Replying to Rita Reader").is_visible()
        assert_accessible(page)


def test_comment_error_pages_pass_axe(page, paper, settings, clock):
    """The 400 page (form errors, text kept) and the 429 page (too many comments)."""
    # The form's clock stands still, so the post is "too fast" however long the browser takes.
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_RATE_LIMIT = 1
    cache.clear()  # rate-limit counters live in the cache
    story, _related = paper
    page.goto(story.get_absolute_url())
    page.locator("#id_name").fill("Quick Reader")
    page.locator("#id_email").fill("quick@example.org")
    page.locator("#id_body").fill("Sent far too fast to be a person.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Post comment").click()
    assert posted.value.status == 400
    expect(page.locator("h1")).to_have_text("Please check your comment")
    expect(page.locator("body")).to_contain_text("That was faster than anyone can type.")
    expect(page.locator("#id_body")).to_have_value("Sent far too fast to be a person.")
    assert_accessible(page)

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Post comment").click()
    assert posted.value.status == 429
    expect(page.locator("h1")).to_have_text("Too many comments at once")
    expect(page.locator("#id_body")).to_have_value("Sent far too fast to be a person.")
    assert_accessible(page)
    cache.clear()


def test_story_is_readable_without_javascript(browser, live_server, paper):
    story, _related = paper
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(story.get_absolute_url())
        assert page.locator("h1").inner_text() == story.headline
        assert page.locator(".story-body").is_visible()
        assert page.get_by_role("heading", name="Related Articles").is_visible()
    finally:
        context.close()


def test_skip_link_moves_focus_to_the_content(page, paper):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"


def test_the_axe_check_does_fail_on_a_violation(browser):
    page = browser.new_page()
    try:
        page.set_content(
            '<html><body><main><img src="x.png"><a href="/"></a></main></body></html>'
        )
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page)
    finally:
        page.close()
