"""The allow-list for story bodies. Editors write rich text; readers get only this."""

import re

import nh3
from django.utils.html import strip_tags

from newsroom.text import xml_text

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "a", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "figure", "figcaption", "img", "hr", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _allowed_attribute(tag, attribute, value):
    # A URL with control characters is never a real link, and some old parsers skipped them
    # inside "java\x01script:": drop the attribute rather than reason about it.
    if attribute in {"href", "src"} and _CONTROL_CHARACTERS.search(value):
        return None
    # Images only from our own media: a relative or root-relative path, never a foreign host
    # (a third-party pixel would leak who reads what).
    if tag == "img" and attribute == "src":
        from django.conf import settings

        media = settings.MEDIA_URL
        if value.startswith(media) and "//" not in value[len(media) :]:
            return value
        return None
    return value


def sanitize_html(html):
    """Return `html` reduced to the allow-list: no scripts, handlers, styles or iframes."""
    # Runs before the save-time normalisation: drop what no parser (nor XML) can take first.
    return nh3.clean(
        xml_text(html or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_allowed_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


WORDS_PER_MINUTE = 230


def word_count(html):
    return len(re.findall(r"\w+(?:['’-]\w+)*", strip_tags(html or "")))


def reading_minutes(words):
    return max(1, round(words / WORDS_PER_MINUTE)) if words else 0
