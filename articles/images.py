"""Image policy: what an upload must be, how it is cleaned, and which renditions we keep.

Uploads are judged by their content, never their name. Stored originals carry no metadata
(EXIF GPS and camera serials can expose a source). Renditions are made by the worker, in WebP
with a JPEG fallback, and stored on the configured storage: the whole picture at the widths
below, once per upload, and the crops of `articles.crops` (16:9, 4:3, 1:1 around the focal
point), again whenever the focal point moves. Until they exist, pages show the original.
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django_tasks import task
from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence, UnidentifiedImageError

from articles import cache as page_tags
from articles import crops as crop_policy
from newsroom.tasks import retry_later

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@dataclass(frozen=True)
class ImagePolicy:
    max_bytes: int
    max_pixels: int
    rendition_widths: tuple[int, ...]
    webp_quality: int = 80
    jpeg_quality: int = 82

    @classmethod
    def from_settings(cls):
        return cls(
            # Read from the environment, with their defaults, in newsroom/settings.py.
            max_bytes=settings.IMAGE_MAX_UPLOAD_BYTES,
            max_pixels=settings.IMAGE_MAX_PIXELS,
            rendition_widths=tuple(
                getattr(settings, "IMAGE_RENDITION_WIDTHS", (320, 640, 960, 1280, 1920))
            ),
        )


def validate_image_upload(upload):
    """Refuse anything that is not a real, whole, reasonably sized JPEG/PNG/WebP/GIF."""
    if getattr(upload, "_committed", False):
        return  # a stored file (the model's validator on a later save): judged when it came in
    policy = ImagePolicy.from_settings()
    if upload.size is not None and upload.size > policy.max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(policy.max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    try:
        # Opening reads only the header: the pixel count is known before anything is decoded.
        with PILImage.open(upload) as image:
            kind = image.format
            width, height = image.size
            if kind not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("%(kind)s files are not accepted; upload a JPEG, PNG, WebP or GIF image.")
                    % {"kind": kind or _("Unknown")},
                    code="bad_format",
                )
            if width * height > policy.max_pixels:
                raise ValidationError(
                    _(
                        "The image is %(w)s×%(h)s pixels (%(mp).0f megapixels); the limit is %(max).0f."
                    )
                    % {
                        "w": width,
                        "h": height,
                        "mp": width * height / 1e6,
                        "max": policy.max_pixels / 1e6,
                    },
                    code="too_many_pixels",
                )
        upload.seek(0)
        with PILImage.open(upload) as image:
            image.load()  # decodes every byte: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except PILImage.DecompressionBombError as error:
        # Pillow refuses to even open images far beyond its own limit: a pixel bomb.
        raise ValidationError(
            _("The image has far more pixels than the limit of %(max).0f megapixels.")
            % {"max": policy.max_pixels / 1e6},
            code="too_many_pixels",
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            _("This file is not an image we can read; upload a JPEG, PNG, WebP or GIF image."),
            code="not_an_image",
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("The image is damaged or incomplete (%(error)s); export it again and re-upload.")
            % {"error": error},
            code="corrupt",
        ) from error
    finally:
        upload.seek(0)


def strip_metadata(upload):
    """Return the upload re-encoded with its orientation applied and all metadata dropped.

    The same bytes in give the same bytes out, so the SHA-256 of what is stored also finds
    the same file uploaded again (articles.desk.media_forms.find_duplicate).
    """
    upload.seek(0)
    with PILImage.open(upload) as source:
        kind = source.format
        if kind == "GIF" and getattr(source, "n_frames", 1) > 1:
            frames = [frame.copy() for frame in ImageSequence.Iterator(source)]
            out = io.BytesIO()
            frames[0].save(
                out,
                "GIF",
                save_all=True,
                append_images=frames[1:],
                loop=source.info.get("loop", 0),
                duration=source.info.get("duration", 100),
            )
        else:
            image = ImageOps.exif_transpose(source)
            # A fresh image carries pixels only: no EXIF, XMP, ICC comments or text chunks.
            clean = PILImage.new(image.mode, image.size)
            clean.paste(image)
            if image.mode == "P" and image.getpalette():
                clean.putpalette(image.getpalette())
            out = io.BytesIO()
            options = {"quality": 90} if kind in {"JPEG", "WEBP"} else {}
            if kind == "JPEG" and clean.mode not in {"RGB", "L"}:
                clean = clean.convert("RGB")
            clean.save(out, kind, **options)
    name = str(PurePosixPath(upload.name).with_suffix("." + ALLOWED_FORMATS[kind]))
    return CleanFile(out.getvalue(), name=PurePosixPath(name).name)


class CleanFile(ContentFile):
    """What strip_metadata returns: stored as it is (Image.save does not clean it again)."""


def make_renditions(image_field):
    """Write the WebP and JPEG renditions of a stored image; return {width: {fmt: name}}."""
    policy = ImagePolicy.from_settings()
    folder = _folder(image_field)
    renditions = {}
    with image_field.open("rb") as handle, PILImage.open(handle) as source:
        source.seek(0)
        base = _renderable(source)
        widths = [w for w in policy.rendition_widths if w < base.width] + [
            min(base.width, max(policy.rendition_widths))
        ]
        for width in sorted(set(widths)):
            height = max(1, round(base.height * width / base.width))
            resized = base.resize((width, height), PILImage.Resampling.LANCZOS)
            renditions[str(width)] = _store(resized, image_field.storage, f"{folder}/{width}")
    return renditions


def _folder(image_field):
    stem = PurePosixPath(image_field.name)
    return f"renditions/{stem.parent.as_posix().removeprefix('images/')}/{stem.stem}"


def _store(frame, storage, stem):
    """Save `frame` as `stem`.webp and `stem`.jpg: {"webp": name, "jpeg": name, sizes, height}."""
    policy = ImagePolicy.from_settings()
    entry = {}
    for fmt, ext, options in (
        ("webp", "webp", {"quality": policy.webp_quality, "method": 4}),
        ("jpeg", "jpg", {"quality": policy.jpeg_quality, "optimize": True, "progressive": True}),
    ):
        encoded = _flatten(frame) if fmt == "jpeg" and frame.mode != "RGB" else frame
        out = io.BytesIO()
        encoded.save(out, fmt.upper(), **options)
        entry[fmt] = storage.save(f"{stem}.{ext}", ContentFile(out.getvalue()))
        # Feeds need each file's length (RSS enclosures); knowing it now saves a storage
        # round trip (an S3 HEAD) per item per feed request.
        entry[f"{fmt}_bytes"] = len(out.getvalue())
    entry["height"] = frame.height
    return entry


def make_crops(image_field, focal):
    """Cut and store the crops of `articles.crops` around `focal` (x, y fractions).

    Returns {"focal": [x, y], "16:9": {"box": [left, top, right, bottom], "widths":
    {width: entry}}, ...}: the focal point they were made for travels with them, so a page
    never takes crops made for an older focal point for current ones.
    """
    folder = _folder(image_field)
    tag = "f{:03d}-{:03d}".format(*(round(value * 1000) for value in focal))
    made = {"focal": list(focal)}
    wanted = crop_policy.crop_widths()
    with image_field.open("rb") as handle, PILImage.open(handle) as source:
        source.seek(0)
        base = _renderable(source)
        for ratio in crop_policy.RATIOS:
            box = crop_policy.crop_box(base.width, base.height, ratio, focal)
            widths = crop_policy.output_widths(box[2] - box[0], wanted.get(ratio.key, ()))
            if not widths:
                continue
            # One pass from the original to the widest, the narrower ones from that.
            largest = base.resize(
                (widths[-1], crop_policy.output_height(widths[-1], ratio)),
                PILImage.Resampling.LANCZOS,
                box=box,
            )
            entries = {}
            for width in widths:
                size = (width, crop_policy.output_height(width, ratio))
                frame = (
                    largest
                    if width == widths[-1]
                    else largest.resize(size, PILImage.Resampling.LANCZOS)
                )
                entries[str(width)] = _store(
                    frame, image_field.storage, f"{folder}/{ratio.slug}-{tag}-{width}"
                )
            made[ratio.key] = {"box": list(box), "widths": entries}
    return made


@task()
def make_image_renditions(pk, name, attempt=1):
    """Bring the renditions of image `pk` up to date while its file is still `name`: the
    whole picture's widths if missing, the crops if missing or made for another focal point.
    True when something was made.

    A job for a file since replaced does nothing (a newer upload has a job of its own), nor
    does one that finds everything made. Crops are stored only if the focal point they were
    cut for is still the image's: a job overtaken by a newer click leaves them to its job.
    """
    images = apps.get_model("articles", "Image").objects.filter(pk=pk, file=name)
    image = images.first()
    if image is None or not image.renditions_pending:
        return False
    focal = image.focal_point
    try:
        renditions = make_renditions(image.file) if not image.renditions else None
        crops = make_crops(image.file, focal) if not image.crops_current else None
    except OSError:  # the storage, not the picture: the upload was decoded when it came in
        logger.exception("Could not make the renditions of image %s", pk)
        retry_later(make_image_renditions, attempt, pk, name)
        return False
    with transaction.atomic():
        changed = 0
        if renditions is not None:
            changed += images.filter(renditions={}).update(renditions=renditions)
        if crops is not None:
            changed += images.filter(focal_x=focal[0], focal_y=focal[1]).update(crops=crops)
        if changed:  # updated in bulk, without signals: the pages showing it are stale
            page_tags.image_changed(pk)
    return True


def content_sha256(file):
    """The SHA-256 (hex) of a file's bytes, read in chunks from its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _renderable(source):
    """A copy of the first frame that resizes well: palettes and grey-with-alpha as RGBA."""
    return source.convert("RGBA") if source.mode in {"P", "LA", "PA"} else source.copy()


def _flatten(image):
    """JPEG has no transparency: lay the image on white."""
    rgba = image.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
