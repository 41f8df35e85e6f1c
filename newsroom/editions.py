"""Editions: one newsroom publishing in several languages (settings.SITE_LANGUAGES).

The URL is the edition. The first language is the default edition, served at the site's
addresses as they always were (`/`, `/2026/12/01/<slug>/`); every other edition answers the
same addresses under its code (`/ar/`, `/ar/2026/12/01/<slug>/`). Readers are never sent
elsewhere by their Accept-Language: a page is in the language its address names.

- `EditionPrefix` is the URL pattern the reader site sits under: empty for the default
  edition, `<code>/` for the others, in the language active when it matches or reverses
  (as Django's i18n_patterns does, whose prefix follows LANGUAGE_CODE, the staff's language,
  rather than the default edition, and whose middleware varies every page on Accept-Language).
- `EditionMiddleware` activates the edition's language for the request, so `reverse()`,
  `{% get_current_language %}`, LANGUAGE_BIDI and translations all follow the address; the
  staff area keeps LANGUAGE_CODE.

The editions are read from settings on every use, so `override_settings(SITE_LANGUAGES=...)`
takes effect without rebuilding the URLconf.
"""

import re

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import URLResolver, clear_url_caches
from django.utils import translation

# URL namespaces of the staff area, which speaks LANGUAGE_CODE whatever the address.
STAFF_NAMESPACES = {"admin", "desk", "twofactor"}


def codes():
    """Every edition's language code, the default first."""
    return list(settings.SITE_LANGUAGES)


def default():
    """The default edition's language code (served without a prefix)."""
    return settings.SITE_LANGUAGES[0]


def choices():
    """The editions as model choices: (code, the language's name in English)."""
    return [(code, LANG_INFO[code]["name"]) for code in codes()]


def other_choices():
    """The editions but the default one, as model choices: those a section or an author may
    have a label for (articles.models.EditionLabel)."""
    return choices()[1:]


def current():
    """The edition of the active language: the default one unless an edition is active."""
    language = translation.get_language()
    return language if language in settings.SITE_LANGUAGES else default()


def prefix(code):
    """The path prefix of an edition: "" for the default one, "ar/" for Arabic."""
    return "" if code == default() else f"{code}/"


def from_path(path):
    """The edition a path's prefix names (`/ar/...` gives "ar"), else the default edition."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in settings.SITE_LANGUAGES[1:] else default()


def info(code):
    """What the language switcher shows of an edition: its name in its own language and
    writing direction."""
    language = LANG_INFO[code]
    return {"code": code, "name_local": language["name_local"], "bidi": language["bidi"]}


class EditionPrefix:
    """The reader site's URL prefix: the active edition's, empty for the default edition.

    The resolver keeps a reverse table per active language (like Django's
    LocalePrefixPattern, whose interface this follows), so each edition reverses to its own
    prefix."""

    converters = {}

    @property
    def language_prefix(self):
        return prefix(current())

    @property
    def regex(self):  # only used by reverse(), cached per language
        return re.compile(re.escape(self.language_prefix))

    def match(self, path):
        language_prefix = self.language_prefix
        if path.startswith(language_prefix):
            return path.removeprefix(language_prefix), (), {}
        return None

    def check(self):
        return []

    def describe(self):
        return f"'{self}'"

    def __str__(self):
        return self.language_prefix


def edition_patterns(*urls):
    """The URL patterns every edition answers, under its prefix (like i18n_patterns)."""
    return [URLResolver(EditionPrefix(), list(urls))]


class EditionMiddleware:
    """Speak the edition the address names for the whole request (the staff area excepted),
    and nothing after it: the next request on this thread starts from its own address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.edition = from_path(request.path_info)
        translation.activate(request.edition)
        request.LANGUAGE_CODE = request.edition
        try:
            return self.get_response(request)
        finally:
            translation.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and STAFF_NAMESPACES.intersection(match.namespaces):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE


@receiver(setting_changed)
def editions_changed(setting, **kwargs):
    """Tests that change the editions get reverse tables made for them."""
    if setting in {"SITE_LANGUAGES", "LANGUAGE_CODE"}:
        clear_url_caches()
