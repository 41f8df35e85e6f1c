"""Crops around a focal point: the geometry, the worker's files, and what pages show."""

import io
import json
import random
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image as PILImage

from articles import cache as page_tags
from articles import crops, images
from articles.crops import SQUARE, STANDARD, WIDE, crop_box, output_widths
from articles.models import Image
from newsroom import pagecache
from tests.factories import ArticleFactory, ImageFactory, picture_file

# --- Geometry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "focal", "box"),
    [
        # 2000×1200 is wider than 4:3 and 1:1 (full height), taller than 16:9 (full width).
        (WIDE, (0.5, 0.5), (0, 38, 2000, 1163)),
        (STANDARD, (0.5, 0.5), (200, 0, 1800, 1200)),
        (SQUARE, (0.5, 0.5), (400, 0, 1600, 1200)),
        # Centred on the point where the picture leaves room.
        (SQUARE, (0.6, 0.5), (600, 0, 1800, 1200)),
        (STANDARD, (0.45, 0.9), (100, 0, 1700, 1200)),
        (WIDE, (0.3, 0.48), (0, 14, 2000, 1139)),
        # Near an edge the box slides back inside, keeping its size.
        (SQUARE, (0.02, 0.5), (0, 0, 1200, 1200)),
        (SQUARE, (0.98, 0.5), (800, 0, 2000, 1200)),
        (STANDARD, (0.0, 0.0), (0, 0, 1600, 1200)),
        (STANDARD, (1.0, 1.0), (400, 0, 2000, 1200)),
        (WIDE, (0.5, 0.01), (0, 0, 2000, 1125)),
        (WIDE, (0.5, 0.99), (0, 75, 2000, 1200)),
    ],
)
def test_crop_box_of_a_wide_picture(ratio, focal, box):
    assert crop_box(2000, 1200, ratio, focal) == box


@pytest.mark.parametrize(
    ("ratio", "focal", "box"),
    [
        # A portrait 800×2000: every ratio takes the full width and slides up and down.
        (WIDE, (0.5, 0.5), (0, 775, 800, 1225)),
        (WIDE, (0.1, 0.03), (0, 0, 800, 450)),
        (WIDE, (0.9, 0.97), (0, 1550, 800, 2000)),
        (STANDARD, (0.5, 0.25), (0, 200, 800, 800)),
        (SQUARE, (0.5, 0.0), (0, 0, 800, 800)),
        (SQUARE, (0.5, 1.0), (0, 1200, 800, 2000)),
        (SQUARE, (0.5, 0.7), (0, 1000, 800, 1800)),
    ],
)
def test_crop_box_of_a_tall_picture(ratio, focal, box):
    assert crop_box(800, 2000, ratio, focal) == box


def test_a_picture_of_the_ratio_itself_is_kept_whole_wherever_the_point():
    for focal in [(0, 0), (0.5, 0.5), (1, 1), (0.1, 0.9)]:
        assert crop_box(1600, 900, WIDE, focal) == (0, 0, 1600, 900)
        assert crop_box(900, 900, SQUARE, focal) == (0, 0, 900, 900)


def test_tiny_pictures_still_get_a_box_inside_them():
    assert crop_box(3, 1, SQUARE, (1, 1)) == (2, 0, 3, 1)
    assert crop_box(1, 3, WIDE, (0, 1)) == (0, 2, 1, 3)


def test_points_outside_the_picture_are_held_to_its_edges():
    assert crop_box(2000, 1200, SQUARE, (-3, 7)) == crop_box(2000, 1200, SQUARE, (0, 1))


def test_any_box_is_the_largest_of_its_ratio_inside_and_centred_where_there_is_room():
    rng = random.Random(12)
    for _ in range(2000):
        width, height = rng.randint(1, 5000), rng.randint(1, 5000)
        ratio = rng.choice(crops.RATIOS)
        fx, fy = rng.random(), rng.random()
        left, top, right, bottom = crop_box(width, height, ratio, (fx, fy))
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
        box_w, box_h = right - left, bottom - top
        assert box_w == width or box_h == height  # as large as the picture allows
        assert abs(box_w * ratio.height - box_h * ratio.width) <= max(ratio.width, ratio.height)
        for start, end, size, focal in ((left, right, width, fx), (top, bottom, height, fy)):
            centre_error = abs((start + end) / 2 - focal * size)
            # Centred on the point (to the pixel), or pushed against the edge it would cross.
            assert centre_error <= 1 or start == 0 or end == size


def test_output_widths_never_upscale():
    assert output_widths(1200, (320, 640, 960, 1200, 1600)) == [320, 640, 960, 1200]
    assert output_widths(1067, (320, 640, 1200)) == [320, 640, 1067]
    assert output_widths(800, (1200,)) == [800]
    assert output_widths(5000, (1200,)) == [1200]


# --- The worker's crops -----------------------------------------------------------------------


def gradient(width, height):
    """A picture whose colour says where a pixel was: red grows left to right, green top to
    bottom, so a crop's corner and centre pixels tell where it was cut from."""
    red = PILImage.new("L", (width, 1))
    red.putdata([round(x * 255 / (width - 1)) for x in range(width)])
    green = PILImage.new("L", (1, height))
    green.putdata([round(y * 255 / (height - 1)) for y in range(height)])
    red = red.resize((width, height), PILImage.Resampling.NEAREST)
    green = green.resize((width, height), PILImage.Resampling.NEAREST)
    blue = PILImage.new("L", (width, height), 128)
    out = io.BytesIO()
    PILImage.merge("RGB", (red, green, blue)).save(out, "PNG")
    return out.getvalue()


def gradient_file(width=2000, height=1200, name="gradient.png"):
    return SimpleUploadedFile(name, gradient(width, height), content_type="image/png")


def stored_picture(name):
    with default_storage.open(name) as handle, PILImage.open(handle) as picture:
        picture.load()
        return picture.convert("RGB")


def origin_of(pixel, width, height):
    """Where in the original a gradient pixel came from, (x, y) in its pixels."""
    red, green, _blue = pixel
    return red / 255 * (width - 1), green / 255 * (height - 1)


@pytest.mark.django_db
def test_the_worker_makes_each_ratio_at_the_widths_the_site_needs():
    image = ImageFactory(file=picture_file(size=(1200, 800)))
    assert image.crops_current and not image.renditions_pending
    made = {key: sorted(map(int, image.crop(key))) for key in ("16:9", "4:3", "1:1")}
    # No crop is wider than its box in the original (1200×675, 1067×800, 800×800).
    assert made == {"16:9": [320, 640, 960, 1200], "4:3": [320, 640, 1067], "1:1": [800]}
    for key, ratio in crops.BY_KEY.items():
        for width, entry in image.crop(key).items():
            for fmt in ("jpeg", "webp"):
                stored = stored_picture(entry[fmt])
                assert stored.width == int(width)
                assert abs(stored.width * ratio.height - stored.height * ratio.width) <= max(
                    ratio.width, ratio.height
                )
                assert entry[f"{fmt}_bytes"] == default_storage.size(entry[fmt])


@pytest.mark.django_db
def test_a_large_picture_gets_1200_wide_crops_of_every_ratio():
    image = ImageFactory(file=gradient_file(2400, 1800))
    for key in ("16:9", "4:3", "1:1"):
        url, width, _height = image.crop_file(key, crops.SHARE_WIDTH)
        assert width == 1200, key


@pytest.mark.django_db
def test_crops_hold_the_pixels_around_the_focal_point():
    image = ImageFactory(file=gradient_file(2000, 1200))
    Image.objects.filter(pk=image.pk).update(focal_x=0.6, focal_y=0.5, crops={})
    image.refresh_from_db()
    assert images.make_image_renditions.call(image.pk, image.file.name) is True
    image.refresh_from_db()
    for key, ratio in crops.BY_KEY.items():
        left, top, right, bottom = image.crops[key]["box"]
        assert (left, top, right, bottom) == crop_box(2000, 1200, ratio, (0.6, 0.5))
        crop = stored_picture(image.crop(key)[max(image.crop(key), key=int)]["jpeg"])
        scale = (right - left) / crop.width
        for px, py in [(crop.width // 10, crop.height // 10), (crop.width // 2, crop.height // 2)]:
            found = origin_of(crop.getpixel((px, py)), 2000, 1200)
            expected = (left + (px + 0.5) * scale, top + (py + 0.5) * scale)
            # A colour level spans 8 pixels of the original; JPEG moves it by a level or two.
            assert found == pytest.approx(expected, abs=24), (key, px, py)
    # The square had room: it is centred on the point itself (x = 0.6 × 2000).
    square = image.crops["1:1"]["box"]
    assert (square[0] + square[2]) / 2 == 1200


def worker_jobs(callbacks):
    """What a commit hands the worker, less the page cache's second stamp."""
    return [callback for callback in callbacks if callback is not pagecache._flush]


@pytest.mark.django_db
def test_moving_the_focal_point_has_the_worker_cut_new_crops(django_capture_on_commit_callbacks):
    image = ImageFactory(file=picture_file(size=(1200, 800)))
    old_square = image.crop("1:1")
    image.focal_x, image.focal_y = 0.95, 0.5
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image.save()
    jobs = worker_jobs(callbacks)
    # Until the job has run, nothing shows crops cut for the old point.
    assert len(jobs) == 1 and image.renditions_pending and image.crop("1:1") is None
    assert image.share_urls() == [image.rendition_url(crops.SHARE_WIDTH)]
    jobs[0]()
    image.refresh_from_db()
    assert image.crops["focal"] == [0.95, 0.5]
    assert image.crops["1:1"]["box"] == [400, 0, 1200, 800]  # against the right edge
    assert image.crop("1:1") != old_square
    assert image.renditions  # the whole picture's widths were kept, not made again


@pytest.mark.django_db
def test_saving_without_moving_the_point_asks_the_worker_for_nothing(
    django_capture_on_commit_callbacks,
):
    image = ImageFactory()
    image.caption = "A new caption"
    with django_capture_on_commit_callbacks() as callbacks:
        image.save()
    assert worker_jobs(callbacks) == []


@pytest.mark.django_db
def test_a_job_overtaken_by_a_newer_point_leaves_its_crops_unstored(monkeypatch):
    image = ImageFactory(file=picture_file(size=(600, 400)))
    Image.objects.filter(pk=image.pk).update(focal_x=0.1)
    real = images.make_crops

    def meanwhile_the_editor_clicks_again(field, focal):
        made = real(field, focal)
        Image.objects.filter(pk=image.pk).update(focal_x=0.8)
        return made

    monkeypatch.setattr(images, "make_crops", meanwhile_the_editor_clicks_again)
    images.make_image_renditions.call(image.pk, image.file.name)
    image.refresh_from_db()
    assert image.crops["focal"] == [0.5, 0.5]  # the factory's, not the overtaken job's 0.1
    assert image.renditions_pending  # the newer click's job will cut them


@pytest.mark.django_db
def test_a_job_for_a_replaced_file_does_nothing():
    image = ImageFactory(file=picture_file(size=(600, 400)))
    Image.objects.filter(pk=image.pk).update(crops={})
    assert images.make_image_renditions.call(image.pk, "images/2020/01/gone.jpg") is False
    image.refresh_from_db()
    assert image.crops == {}


# --- What pages show --------------------------------------------------------------------------

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def story_page(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld_images(page):
    article, _breadcrumbs = json.loads(SCRIPT.search(page).group(1))
    return article["image"]


def storage_name(url):
    return urlsplit(url).path.removeprefix(settings.MEDIA_URL)


@pytest.mark.django_db
def test_json_ld_lists_the_three_ratio_crops(client):
    story = ArticleFactory(lead_image=ImageFactory(file=gradient_file(2400, 1800)))
    urls = json_ld_images(story_page(client, story))
    assert len(urls) == 3 and all(url.startswith(settings.SITE_URL) for url in urls)
    sizes = [stored_picture(storage_name(url)).size for url in urls]
    assert sizes == [(1200, 675), (1200, 900), (1200, 1200)]


@pytest.mark.django_db
def test_story_page_cards_and_open_graph_use_the_crops(client):
    image = ImageFactory(file=picture_file(size=(1600, 1000)))
    story = ArticleFactory(lead_image=image)
    page = story_page(client, story)
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    assert og_image == settings.SITE_URL + image.crop_url("16:9", 1200)
    assert stored_picture(storage_name(og_image)).size == (1200, 675)
    figure = page[page.index('<figure class="story-image') :]
    figure = figure[: figure.index("</figure>")]
    assert "ratio-16x9" in figure and image.crop_srcset("16:9", "webp") in figure
    assert re.search(r'width="960" height="540"', figure)

    listing = client.get(story.section.get_absolute_url()).content.decode()
    card = listing[listing.index('<div class="article-card-image">') :]
    assert "ratio-4x3" in card and image.crop_srcset("4:3", "jpeg") in card


@pytest.mark.django_db
def test_while_crops_are_made_pages_show_the_whole_picture_never_a_broken_one(client):
    image = ImageFactory(file=picture_file(size=(1600, 1000)))
    story = ArticleFactory(lead_image=image)
    Image.objects.filter(pk=image.pk).update(focal_x=0.2)  # clicked; the job has not run yet
    page_tags.image_changed(image.pk)  # as the save that changed it does
    page = story_page(client, story)
    assert json_ld_images(page) == [settings.SITE_URL + image.rendition_url(1200)]
    assert "16x9-" not in page  # no crop cut for the old point
    assert image.srcset("webp") in page and 'width="1600" height="1000"' in page
    assert "ratio-16x9" in page  # the same box, filled by the whole picture

    # Before even the whole picture's renditions exist: the original.
    Image.objects.filter(pk=image.pk).update(renditions={}, crops={})
    page_tags.image_changed(image.pk)
    page = story_page(client, story)
    assert json_ld_images(page) == [settings.SITE_URL + image.file.url]
    assert f'src="{image.file.url}"' in page


@pytest.mark.django_db
def test_the_command_asks_the_worker_for_what_older_images_lack():
    from io import StringIO

    from django.core.management import call_command

    done = ImageFactory(file=picture_file(size=(400, 300)))
    older = ImageFactory(file=picture_file(size=(400, 300), color=(1, 1, 1)))
    Image.objects.filter(pk=older.pk).update(crops={})  # uploaded before crops existed
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("make_image_renditions", stdout=out)
    assert out.getvalue().strip() == "1 image(s) sent to the worker."
    older.refresh_from_db()
    assert older.crops_current and older.crop("1:1")
    assert Image.objects.get(pk=done.pk).crops == done.crops
