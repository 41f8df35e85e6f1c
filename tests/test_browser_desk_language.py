"""The desk in Arabic in Chromium: an editor chooses Arabic on the Language page and the admin
turns right to left (the menu on the right), sets its words in the bundled Arabic face, keeps
an English headline left to right beside an Arabic one, and places a focal point where it was
clicked. Screenshots go to /tmp for a person to look at."""

import pytest
from playwright.sync_api import expect

from articles.desk import roles
from newsroom.models import StaffSettings
from tests.factories import ArticleFactory, ImageFactory, StaffFactory
from tests.test_browser_desk import log_in
from tests.test_browser_focal_point import loaded, serve_media
from tests.test_crops import gradient_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = "المجلس يقر خطة الإسكان"
ENGLISH = "Council approves the housing plan"


def box(page, selector):
    found = page.locator(selector).first
    expect(found).to_be_visible()
    return found.bounding_box()


def direction(page, text):
    return page.get_by_text(text, exact=True).first.evaluate(
        "el => getComputedStyle(el).direction"
    )


@pytest.fixture
def editor():
    return StaffFactory(username="editor", role=roles.EDITORS)


def test_an_editor_chooses_arabic_and_the_desk_turns_right_to_left(page, editor):
    for headline, language in ((ARABIC, "ar"), (ENGLISH, "en")):
        # The editor's own drafts: on the dashboard's "My drafts" and in the story list.
        ArticleFactory(headline=headline, language=language, status="draft", created_by=editor)
    log_in(page, "editor")
    assert page.evaluate("document.dir") == "ltr"

    page.locator("#user-tools a", has_text="Language").click()
    page.select_option("#id_language", "ar")
    page.click("input[type=submit]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert StaffSettings.objects.get(user=editor).language == "ar"

    # The dashboard (the admin home): Django's words in Arabic, its header turned around.
    page.goto("/admin/")
    expect(page.locator("#desk-dashboard")).to_be_visible()
    assert page.evaluate("[document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    expect(page.locator("#user-tools")).to_contain_text("تسجيل الخروج")  # Django's "Log out"
    assert box(page, "#branding")["x"] > box(page, "#user-tools")["x"]
    assert direction(page, ARABIC) == "rtl" and direction(page, ENGLISH) == "ltr"
    page.evaluate("document.fonts.ready")
    body_face = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert body_face.startswith('"Noto Naskh Arabic"')
    loaded = page.evaluate(
        "Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert "Noto Naskh Arabic" in {family.strip('"') for family in loaded}
    page.screenshot(path="/tmp/deskl10n-dashboard-ar.png", full_page=True)

    # The story list: the admin's menu on the right, the filters on the left of the list.
    page.goto("/admin/articles/article/")
    expect(page.locator("#result_list")).to_be_visible()
    assert page.evaluate("document.dir") == "rtl"
    sidebar, content = box(page, "#nav-sidebar"), box(page, "#content")
    assert sidebar["x"] >= content["x"] + content["width"] - 1  # the menu is right of the page
    assert box(page, "#changelist-filter")["x"] < box(page, "#result_list")["x"]
    assert direction(page, ARABIC) == "rtl" and direction(page, ENGLISH) == "ltr"
    page.screenshot(path="/tmp/deskl10n-story-list-ar.png", full_page=True)
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en-gb", "ltr")])
def test_the_focal_point_marker_lands_where_it_was_clicked(page, editor, language, direction):
    StaffSettings.objects.create(user=editor, language=language)
    image = ImageFactory(file=gradient_file(1200, 800), uploaded_by=editor)
    serve_media(page)
    log_in(page, "editor")

    page.goto(f"/admin/articles/image/{image.pk}/change/")
    assert page.evaluate("document.dir") == direction
    picture = page.locator(".focal-picker img")
    loaded(picture)
    frame = picture.bounding_box()
    picture.click(position={"x": frame["width"] * 0.25, "y": frame["height"] * 0.4})
    frame = picture.bounding_box()  # the click scrolled the picture into view
    # Measured from the picture's left edge, as in an English desk (a picture is not mirrored).
    x, y = float(page.input_value("#id_focal_x")), float(page.input_value("#id_focal_y"))
    assert (x, y) == pytest.approx((0.25, 0.4), abs=0.005)
    marker = box(page, ".focal-marker")
    centre = (marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    clicked = (frame["x"] + frame["width"] * 0.25, frame["y"] + frame["height"] * 0.4)
    assert centre == pytest.approx(clicked, abs=2)
    page.screenshot(path=f"/tmp/deskl10n-focal-point-{language}.png")
