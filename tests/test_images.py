"""Uploads are judged by content; stored pictures carry no metadata; refusals say why."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.images import validate_image_upload
from articles.models import Image
from tests.factories import ImageFactory, StaffFactory, image_bytes, picture_file

pytestmark = pytest.mark.django_db


def upload(data, name="upload.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_header_only(width, height):
    """A PNG that declares `width`×`height` pixels and carries almost no data: a pixel bomb."""

    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_with_exif(orientation=6):
    exif = PILImage.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise to display
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[0x8825] = gps
    return image_bytes(size=(80, 40), exif=exif.tobytes())


def test_real_images_of_every_accepted_format_pass():
    for fmt in ("JPEG", "PNG", "WEBP", "GIF"):
        validate_image_upload(upload(image_bytes(fmt=fmt), name=f"x.{fmt.lower()}"))


def test_non_image_is_refused_whatever_its_name():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(b"%PDF-1.4 not a picture at all", name="photo.jpg"))
    assert error.value.code == "not_an_image"


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    PILImage.new("RGB", (8, 8)).save(out, "BMP")
    with pytest.raises(ValidationError, match="BMP files are not accepted"):
        validate_image_upload(upload(out.getvalue(), name="x.jpg"))


def test_truncated_file_is_refused():
    data = image_bytes(size=(400, 300), quality=95)
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(data[: len(data) // 2]))
    assert error.value.code == "corrupt"


def test_oversize_file_is_refused_with_the_limit(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1024
    data = image_bytes(size=(300, 300), quality=100)
    assert len(data) > 1024
    with pytest.raises(ValidationError, match=r"the limit is 1\.0"):
        validate_image_upload(upload(data))


def test_pixel_bomb_is_refused_before_decoding():
    bomb = png_header_only(50_000, 50_000)  # 2.5 gigapixels in a few hundred bytes
    assert len(bomb) < 1000
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(bomb, name="bomb.png", content_type="image/png"))
    assert error.value.code == "too_many_pixels"
    assert "limit of 40 megapixels" in " ".join(error.value.messages)


def test_pixel_limit_is_configurable(settings):
    settings.IMAGE_MAX_PIXELS = 100
    with pytest.raises(ValidationError, match="megapixels"):
        validate_image_upload(upload(image_bytes(size=(20, 20))))


def test_exif_is_stripped_and_orientation_applied():
    image = Image.objects.create(
        file=upload(jpeg_with_exif(), name="gps.jpg"), alt_text="A field at dawn"
    )
    with image.file.open("rb") as handle, PILImage.open(handle) as stored:
        assert stored.getexif() == {}
        assert "exif" not in stored.info
        assert stored.size == (40, 80)  # the 90° turn was applied before the tag was dropped
    assert (image.width, image.height) == (40, 80)


def test_renditions_are_stored_for_srcset():
    image = ImageFactory(file=picture_file(size=(800, 400)))
    assert set(image.renditions) == {"320", "640", "800"}
    assert [entry.split()[1] for entry in image.srcset().split(", ")] == ["320w", "640w", "800w"]
    assert image.rendition_url(500).endswith("/640.jpg")


@pytest.fixture
def editor_client(client):
    client.force_login(StaffFactory(role="Editors"))
    return client


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF89a but not really", "not an image we can read"),
        (png_header_only(50_000, 50_000), "limit of 40 megapixels"),
        (png_header_only(8_000, 6_000), "8000×6000 pixels (48 megapixels)"),
    ],
    ids=["non-image", "pixel-bomb", "over-limit"],
)
def test_admin_refusal_names_the_reason_and_keeps_the_other_fields(editor_client, data, reason):
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {
            "file": upload(data, name="upload.png", content_type="image/png"),
            "alt_text": "Ferry at the quay",
            "caption": "The morning crossing",
            "credit": "Desk photographer",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert reason in html
    for kept in ("Ferry at the quay", "The morning crossing", "Desk photographer"):
        assert f'value="{kept}"' in html
    assert not Image.objects.exists()


def test_admin_upload_stamps_the_uploader_and_shows_a_thumbnail(editor_client):
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"file": picture_file(size=(640, 360)), "alt_text": "Quay at dusk"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == response.wsgi_request.user
    changelist = editor_client.get(reverse("admin:articles_image_changelist"))
    assert image.rendition_url(320) in changelist.content.decode()


def test_author_photo_is_checked_and_stripped_too(editor_client):
    from articles.models import Author

    url = reverse("admin:articles_author_add")
    # The "Names in other editions" inline's management form, as the page sends it.
    names = {"labels-TOTAL_FORMS": "0", "labels-INITIAL_FORMS": "0"}
    refused = editor_client.post(
        url, {"name": "Ines Ward", "slug": "ines-ward", "photo": upload(b"not a picture"), **names}
    )
    assert refused.status_code == 200
    assert "not an image we can read" in refused.content.decode()
    assert 'value="Ines Ward"' in refused.content.decode()

    response = editor_client.post(
        url,
        {
            "name": "Ines Ward",
            "slug": "ines-ward",
            "photo": upload(jpeg_with_exif(), "me.jpg"),
            **names,
        },
    )
    assert response.status_code == 302
    author = Author.objects.get(slug="ines-ward")
    with author.photo.open("rb") as handle, PILImage.open(handle) as stored:
        assert stored.getexif() == {}
        assert stored.size == (40, 80)


@pytest.mark.django_db
def test_saving_an_image_left_without_renditions_asks_the_worker_again(
    django_capture_on_commit_callbacks,
):
    image = ImageFactory()
    Image.objects.filter(pk=image.pk).update(renditions={})  # its job gave up, say
    image.refresh_from_db()
    image.caption = "A caption added later"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    image.refresh_from_db()
    assert image.renditions
