"""The image library in Chromium: an editor clicks a focal point, the worker cuts the crops
and the story's JSON-LD lists the 16:9, 4:3 and 1:1 crops centred where the editor clicked;
several pictures are uploaded at once; the lead-image picker shows thumbnails."""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from articles import crops
from articles.desk import roles
from articles.models import Image
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    StaffFactory,
    image_bytes,
)
from tests.test_browser_desk import log_in
from tests.test_crops import gradient_file, origin_of, stored_picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 2000, 1200
CLICK = (0.6, 0.47)  # where the editor clicks, as fractions of the picture


def serve_media(page):
    """The live server does not serve uploads (DEBUG is off): the browser gets them from
    MEDIA_ROOT, as nginx would."""
    root = Path(settings.MEDIA_ROOT)

    def answer(route):
        name = urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
        found = root / name
        if found.is_file():
            route.fulfill(path=str(found))
        else:
            route.fulfill(status=404)

    page.context.route(f"**{settings.MEDIA_URL}**", answer)


def loaded(locator):
    """The image's pixels arrived: a broken image has no natural width."""
    expect(locator).to_be_visible()
    locator.page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=locator.element_handle()
    )


def test_editor_clicks_a_focal_point_and_json_ld_lists_crops_centred_there(page):
    editor = StaffFactory(username="editor", role=roles.EDITORS)
    image = ImageFactory(
        file=gradient_file(WIDTH, HEIGHT), caption="Ferry at the quay", uploaded_by=editor
    )
    story = ArticleFactory(section=SectionFactory(slug="city"), lead_image=image)
    serve_media(page)
    log_in(page, "editor")

    page.goto(f"/admin/articles/image/{image.pk}/change/")
    picture = page.locator(".focal-picker img")
    loaded(picture)
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * CLICK[0], "y": box["height"] * CLICK[1]})
    expect(page.locator(".focal-marker")).to_be_visible()
    clicked = (float(page.input_value("#id_focal_x")), float(page.input_value("#id_focal_y")))
    assert clicked == pytest.approx(CLICK, abs=0.005)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The worker ran when the save committed (tasks run at once in tests): the page shows
    # the three new crops.
    image.refresh_from_db()
    assert image.focal_point == pytest.approx(clicked) and image.crops_current
    previews = page.locator(".crop-previews img")
    expect(previews).to_have_count(3)
    for index in range(3):
        loaded(previews.nth(index))

    page.goto(story.get_absolute_url())
    loaded(page.locator(".story-image img"))
    assert "16x9-" in page.locator(".story-image img").evaluate("img => img.currentSrc")
    article, _breadcrumbs = json.loads(
        page.locator('script[type="application/ld+json"]').text_content()
    )
    urls = article["image"]
    assert len(urls) == 3

    centres = {}
    for url, ratio in zip(urls, crops.RATIOS, strict=True):
        crop = stored_picture(urlsplit(url).path.removeprefix(settings.MEDIA_URL))
        assert crop.width == crops.SHARE_WIDTH
        assert abs(crop.width * ratio.height - crop.height * ratio.width) <= ratio.width
        left, top, right, bottom = crops.crop_box(WIDTH, HEIGHT, ratio, image.focal_point)
        found = origin_of(crop.getpixel((crop.width // 2, crop.height // 2)), WIDTH, HEIGHT)
        # The crop's middle pixel came from the middle of the box cut around the point.
        assert found == pytest.approx(((left + right) / 2, (top + bottom) / 2), abs=24), ratio
        centres[ratio.key] = found
    # Where the picture leaves room, that middle is where the editor clicked: across for the
    # 4:3 and 1:1 crops, down for the 16:9 one (the full width of the picture).
    click_x, click_y = clicked[0] * WIDTH, clicked[1] * HEIGHT
    assert centres["1:1"][0] == pytest.approx(click_x, abs=24)
    assert centres["4:3"][0] == pytest.approx(click_x, abs=24)
    assert centres["16:9"][1] == pytest.approx(click_y, abs=24)
    # ...and not the middle of the picture, which is what the crops showed before.
    assert abs(centres["1:1"][0] - WIDTH / 2) > 150
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []


def test_several_pictures_go_one_request_each_and_a_bad_one_is_named(page, tmp_path):
    StaffFactory(username="reporter", role=roles.REPORTERS)
    files = []
    for name, data in [
        ("harbour.jpg", image_bytes(size=(320, 240), color=(10, 60, 90))),
        ("notes.jpg", b"%PDF-1.4 not a picture"),
        ("market.png", image_bytes(size=(240, 320), fmt="PNG", color=(90, 60, 10))),
    ]:
        (tmp_path / name).write_bytes(data)
        files.append(str(tmp_path / name))
    log_in(page, "reporter")
    page.goto("/admin/articles/image/upload/")
    page.set_input_files("#id_files", files)
    with page.expect_response(lambda r: "upload" in r.url and r.request.method == "POST"):
        page.click("input[type=submit]")
    progress = page.locator(".upload-progress")
    expect(progress.locator(".upload-refused")).to_contain_text(
        "notes.jpg: This file is not an image we can read"
    )
    expect(progress.locator(".upload-done")).to_have_count(2)
    assert sorted(Image.objects.values_list("width", "height")) == [(240, 320), (320, 240)]
    progress.get_by_role("link", name="Add the alt text of the uploaded pictures").click()
    expect(page.locator("#image-describe-form img")).to_have_count(2)
    page.locator("#image-describe-form input[name$=alt_text]").first.fill("Stalls at the market")
    page.click("#image-describe-form input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("1 picture described.")
    assert Image.objects.exclude(alt_text="").count() == 1
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []


def test_the_lead_image_picker_shows_thumbnails_and_greys_out_pictures_without_alt_text(page):
    StaffFactory(username="editor", role=roles.EDITORS)
    ImageFactory(caption="Tram depot at night", credit="Night desk")
    ImageFactory(caption="Tram without a description", alt_text="")
    serve_media(page)
    log_in(page, "editor")
    page.goto("/admin/articles/article/add/")
    page.locator("#id_lead_image + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("tram")
    choices = page.locator(".select2-results__option .image-choice")
    expect(choices).to_have_count(2)
    described = choices.filter(has_text="Tram depot at night")
    expect(described).to_contain_text("Night desk")
    loaded(described.locator("img"))
    waiting = page.locator(".select2-results__option", has_text="Tram without a description")
    expect(waiting).to_have_attribute("aria-disabled", "true")
    expect(waiting).to_contain_text("Needs alt text")
    described.click()
    expect(page.locator("#id_lead_image + .select2")).to_contain_text("Tram depot at night")
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []
