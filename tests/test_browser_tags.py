"""Tag suggestions in Chromium: an editor picks existing tags instead of typing new spellings."""

import pytest
from playwright.sync_api import expect

from articles.desk import roles
from articles.models import Tag
from tests.factories import ArticleFactory, StaffFactory
from tests.test_browser_desk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_picks_existing_tags_from_the_suggestions(page):
    ArticleFactory(tags=["Housing", "Transport"])
    ArticleFactory(tags=["Housing", "Hospitals"])
    story = ArticleFactory(headline="Council buys empty offices for homes")
    StaffFactory(username="editor", role=roles.EDITORS)
    log_in(page, "editor")
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    tags = page.locator("#id_tags")
    suggestions = page.locator("#id_tags-suggestions")
    tags.press_sequentially("hou")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(1)
    expect(tags).to_have_attribute("aria-expanded", "true")
    suggestions.get_by_role("option", name="Housing", exact=True).click()  # the mouse
    expect(tags).to_have_value("Housing, ")
    expect(suggestions).to_be_hidden()

    tags.press_sequentially("tr")  # the keyboard: Enter picks, and does not send the form
    expect(suggestions.get_by_role("option", name="Transport", exact=True)).to_be_visible()
    tags.press("ArrowDown")
    expect(suggestions.get_by_role("option", name="Transport", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    tags.press("Enter")
    expect(tags).to_have_value("Housing, Transport, ")

    tags.press_sequentially("ho")  # what is already chosen is not offered again
    expect(suggestions.get_by_role("option")).to_have_count(1)
    expect(suggestions.get_by_role("option", name="Hospitals", exact=True)).to_be_visible()
    tags.press("Escape")
    expect(suggestions).to_be_hidden()
    tags.fill("Housing, Transport, ")

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert sorted(story.tags.names()) == ["Housing", "Transport"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == [
        "Hospitals",
        "Housing",
        "Transport",
    ]  # no "hou", no "housing": nothing new was created
    assert story.history.first().relations["tags"] == ["Housing", "Transport"]
    assert page.console_errors == []


def test_an_arabic_story_is_offered_the_tags_of_the_language_its_form_names(page):
    ArticleFactory(tags=["Housing", "Hospitals"])
    ArticleFactory(language="ar", slug="iskan", tags=["Housing"])
    story = ArticleFactory(language="ar", slug="khabar", headline="المجلس يشتري مكاتب فارغة")
    StaffFactory(username="editor", role=roles.EDITORS)
    log_in(page, "editor")
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    tags = page.locator("#id_tags")
    options = page.locator("#id_tags-suggestions").get_by_role("option")
    tags.press_sequentially("ho")
    expect(options).to_have_count(1)  # the Arabic "Housing"; "Hospitals" is English only
    expect(options.first).to_have_attribute("data-name", "Housing")
    tags.press("Escape")
    tags.fill("")
    page.select_option("#id_language", "en")  # the form now names another language
    tags.press_sequentially("ho")
    expect(options).to_have_count(2)
    assert page.console_errors == []
