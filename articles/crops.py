"""Crops around a focal point: which ratios the site shows, and where each crop box falls.

Pure geometry, no pictures: `articles.images` cuts and encodes the boxes. The box of a ratio
is the largest of that shape the picture holds, centred on the focal point as far as the
picture allows: near an edge it slides back inside rather than shrink or leave the picture.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Ratio:
    key: str  # "16:9": the key of its crops in Image.crops, and what editors read
    width: int
    height: int

    @property
    def slug(self):
        """ "16x9": for file names and CSS classes."""
        return f"{self.width}x{self.height}"


WIDE = Ratio("16:9", 16, 9)
STANDARD = Ratio("4:3", 4, 3)
SQUARE = Ratio("1:1", 1, 1)
# The three Google asks structured data to offer, widest first (the order of JSON-LD `image`).
RATIOS = (WIDE, STANDARD, SQUARE)
BY_KEY = {ratio.key: ratio for ratio in RATIOS}

# Widths made of each crop, in pixels: the story page and the home page's lead story show
# 16:9 (up to 760 CSS px wide, so 1600 for sharp screens), cards show 4:3 (200 CSS px),
# Open Graph takes 16:9 at 1200, and JSON-LD each ratio at 1200. No crop is made wider than
# its box in the original: a small picture gets its own width, never an upscale.
# IMAGE_CROP_WIDTHS in settings replaces this table.
CROP_WIDTHS = {
    WIDE.key: (320, 640, 960, 1200, 1600),
    STANDARD.key: (320, 640, 1200),
    SQUARE.key: (1200,),
}
# What structured data and social networks are given: at least this wide where the picture
# allows (Google's guidance for article images).
SHARE_WIDTH = 1200


def crop_widths():
    return getattr(settings, "IMAGE_CROP_WIDTHS", CROP_WIDTHS)


def crop_box(width, height, ratio, focal=(0.5, 0.5)):
    """(left, top, right, bottom) of the largest `ratio` box in a `width`×`height` picture,
    centred on `focal` (fractions of the width and height) as far as the picture allows."""
    focal_x, focal_y = (min(1.0, max(0.0, float(value))) for value in focal)
    if width * ratio.height >= height * ratio.width:  # wider than the ratio: full height
        box_height = height
        box_width = max(1, min(width, round(height * ratio.width / ratio.height)))
    else:  # taller: full width
        box_width = width
        box_height = max(1, min(height, round(width * ratio.height / ratio.width)))
    left = _slide(focal_x * width - box_width / 2, width - box_width)
    top = _slide(focal_y * height - box_height / 2, height - box_height)
    return left, top, left + box_width, top + box_height


def _slide(start, room):
    """The box's start, rounded, and moved back inside [0, room] when it would stick out."""
    return min(max(0, round(start)), room)


def output_widths(box_width, wanted):
    """The widths to make from a box `box_width` pixels wide: each wanted width it can fill,
    and the box's own width in place of those it cannot (no upscaling)."""
    widths = {width for width in wanted if width <= box_width}
    if any(width > box_width for width in wanted):
        widths.add(box_width)
    return sorted(widths)


def output_height(width, ratio):
    return max(1, round(width * ratio.height / ratio.width))
