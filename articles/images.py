"""Image policy: what an upload must be, how it is cleaned, and which renditions we keep.

Uploads are judged by their content, never their name. Stored originals carry no metadata
(EXIF GPS and camera serials can expose a source). Renditions are made once per upload, by
the worker, in WebP with a JPEG fallback, at the widths below, and stored on the configured
storage; until they exist, pages show the original.
"""

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
    """Return the upload re-encoded with its orientation applied and all metadata dropped."""
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
    return ContentFile(out.getvalue(), name=PurePosixPath(name).name)


def make_renditions(image_field):
    """Write the WebP and JPEG renditions of a stored image; return {width: {fmt: name}}."""
    policy = ImagePolicy.from_settings()
    stem = PurePosixPath(image_field.name)
    folder = f"renditions/{stem.parent.as_posix().removeprefix('images/')}/{stem.stem}"
    renditions = {}
    with image_field.open("rb") as handle, PILImage.open(handle) as source:
        source.seek(0)
        base = source.convert("RGBA") if source.mode in {"P", "LA", "PA"} else source.copy()
        widths = [w for w in policy.rendition_widths if w < base.width] + [
            min(base.width, max(policy.rendition_widths))
        ]
        for width in sorted(set(widths)):
            height = max(1, round(base.height * width / base.width))
            resized = base.resize((width, height), PILImage.Resampling.LANCZOS)
            entry = {}
            for fmt, ext, options in (
                ("webp", "webp", {"quality": policy.webp_quality, "method": 4}),
                (
                    "jpeg",
                    "jpg",
                    {"quality": policy.jpeg_quality, "optimize": True, "progressive": True},
                ),
            ):
                frame = resized
                if fmt == "jpeg" and frame.mode != "RGB":
                    frame = _flatten(frame)
                out = io.BytesIO()
                frame.save(out, fmt.upper(), **options)
                name = image_field.storage.save(
                    f"{folder}/{width}.{ext}", ContentFile(out.getvalue())
                )
                entry[fmt] = name
                # Feeds need each file's length (RSS enclosures); knowing it now saves a
                # storage round trip (an S3 HEAD) per item per feed request.
                entry[f"{fmt}_bytes"] = len(out.getvalue())
            entry["height"] = height
            renditions[str(width)] = entry
    return renditions


@task()
def make_image_renditions(pk, name, attempt=1):
    """Make the renditions of image `pk` while its file is still `name`; True when made.

    A job for a file since replaced, or already rendered, does nothing: a newer upload has
    a job of its own.
    """
    images = apps.get_model("articles", "Image").objects.filter(pk=pk, file=name)
    image = images.first()
    if image is None or image.renditions:
        return False
    try:
        renditions = make_renditions(image.file)
    except OSError:  # the storage, not the picture: the upload was decoded when it came in
        logger.exception("Could not make the renditions of image %s", pk)
        retry_later(make_image_renditions, attempt, pk, name)
        return False
    with transaction.atomic():
        if images.filter(renditions={}).update(renditions=renditions):
            page_tags.image_changed(pk)
    return True


def _flatten(image):
    """JPEG has no transparency: lay the image on white."""
    rgba = image.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
