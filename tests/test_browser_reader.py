"""A reader's journey through the paper in Chromium, checking every page with axe."""

import pytest

from tests.reader_data import assert_accessible, reader_paper

pytestmark = pytest.mark.browser


@pytest.fixture
def paper(transactional_db):
    return reader_paper()


def test_reader_goes_home_section_story_related_tag_search(page, paper):
    story, related = paper

    page.goto("/")
    assert_accessible(page)

    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Politics").click()
    page.wait_for_url("**/section/politics/")
    assert page.locator("h1").inner_text() == "Politics"
    assert_accessible(page)

    page.get_by_role("link", name=story.headline).click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.locator("h1").inner_text() == story.headline
    assert page.get_by_text("(AFP) -").is_visible()
    assert_accessible(page)

    page.locator(".related").get_by_role("link", name=related.headline).click()
    page.wait_for_url(f"**{related.get_absolute_url()}")
    assert page.locator("h1").inner_text() == related.headline
    assert_accessible(page)

    page.get_by_role("navigation", name="Tags").get_by_role("link", name="housing").click()
    page.wait_for_url("**/tag/housing/")
    assert "housing" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name=story.headline).is_visible()
    assert_accessible(page)

    page.get_by_label("Search stories").fill("tenants")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url("**/search/?q=tenants")
    results = page.locator("main article")
    assert results.count() == 1
    assert related.headline in results.first.inner_text()
    assert_accessible(page)
    # The live server does not serve uploaded media; anything else in the console is a bug.
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []
