"""Slugs in any script: the URL converter every slug address uses, and slugs made from names.

Addresses keep the reader's language (`/tag/日本/`, `/section/سياسة/`): a slug is letters and
digits of any script, `_` and `-` (Django's `validate_unicode_slug`). Browsers show such an
address as written; on the wire and in sitemaps it is percent-encoded UTF-8.
"""

from django.urls import register_converter
from django.utils.text import slugify


class UnicodeSlugConverter:
    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


# Registered on import: URL modules import this before their patterns use `<uslug:...>`.
register_converter(UnicodeSlugConverter, "uslug")


def unicode_slug(name, max_length):
    """A slug for `name` in its own script; for a name with no letters or digits (an emoji,
    punctuation), one spelled from its code points, so every name gets an address."""
    slug = slugify(name, allow_unicode=True)
    if not slug:
        slug = "-".join(f"{ord(char):x}" for char in name if not char.isspace())
        slug = f"u-{slug}" if slug else "untitled"
    return slug[:max_length].strip("-")
