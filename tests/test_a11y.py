"""axe-core in Chromium: zero WCAG 2.1 A/AA violations on every kind of reader page."""

import pytest

from tests.reader_data import assert_accessible, reader_paper

pytestmark = pytest.mark.browser


@pytest.fixture
def paper(transactional_db):
    return reader_paper()


def test_reader_pages_pass_axe(page, paper):
    story, _related = paper
    pages = [
        ("/", "The Newsroom"),
        (story.get_absolute_url(), story.headline),
        ("/section/politics/", "Politics"),
        ("/tag/housing/", "housing"),
        ("/author/ann-writer/", "Ann Writer"),
        ("/search/?q=housing", "Search"),
        ("/search/?q=", "Search"),
        ("/no/such/page/", "Page not found"),
    ]
    for url, heading in pages:
        response = page.goto(url)
        assert response.status in (200, 404), url
        assert heading in page.locator("h1").inner_text(), url
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)


def test_story_is_readable_without_javascript(browser, live_server, paper):
    story, _related = paper
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
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
