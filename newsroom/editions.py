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
  staff area speaks each staff member's own language instead (`staff_language()`).

The editions are read from settings on every use, so `override_settings(SITE_LANGUAGES=...)`
takes effect without rebuilding the URLconf.
"""

import re

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.auth.signals import user_logged_in
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import URLResolver, clear_url_caches
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

# URL namespaces of the staff area, which speaks the staff member's language whatever the
# address (staff_language()).
STAFF_NAMESPACES = {"admin", "desk", "twofactor"}
# Where a signed-in staff member's chosen language is kept for their session (newsroom.models.
# StaffSettings is read once, at login), so the staff area costs no query per page for it.
STAFF_LANGUAGE_SESSION_KEY = "staff_language"


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


def staff_languages():
    """The languages the staff area speaks: every edition's, and LANGUAGE_CODE's. The edition
    of LANGUAGE_CODE's language is named as LANGUAGE_CODE names it ("en-gb" for an "en"
    edition), so English staff keep the dates and formats the desk always had."""
    base = settings.LANGUAGE_CODE.split("-")[0].lower()
    found = []
    for code in codes():
        code = settings.LANGUAGE_CODE if code.split("-")[0].lower() == base else code
        if code not in found:
            found.append(code)
    if settings.LANGUAGE_CODE not in found:  # no edition in the staff's language: first
        found.insert(0, settings.LANGUAGE_CODE)
    return found


def staff_language_choices():
    """(code, the language's name in itself) for each of staff_languages()."""
    return [(code, LANG_INFO[code]["name_local"]) for code in staff_languages()]


def accepted_staff_language(request):
    """The staff language the browser asks for most (Accept-Language: a variant matches its
    language, "ar-EG" gives "ar", "en-US" gives "en-gb"), else LANGUAGE_CODE. Django's
    get_language_from_request() would also read the language cookie and answer with any of
    settings.LANGUAGES' variants; this answers with one of staff_languages() only."""
    languages = staff_languages()
    by_code = {code.lower(): code for code in languages}
    by_base = {}
    for code in languages:
        by_base.setdefault(code.split("-")[0].lower(), code)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for accepted, _quality in parse_accept_lang_header(header):
        if accepted in by_code:
            return by_code[accepted]
        if accepted.split("-")[0] in by_base:
            return by_base[accepted.split("-")[0]]
    return settings.LANGUAGE_CODE


def chosen_staff_language(request):
    """The language a signed-in staff member chose ("" when they follow their browser),
    from their session, read from their settings when the session does not hold it yet."""
    chosen = request.session.get(STAFF_LANGUAGE_SESSION_KEY)
    if chosen is None:
        from newsroom.models import StaffSettings

        chosen = StaffSettings.language_of(request.user)
        request.session[STAFF_LANGUAGE_SESSION_KEY] = chosen
    return chosen


def staff_language(request):
    """The language the staff area speaks on `request`, and whether Accept-Language chose it:
    a signed-in staff member's choice (newsroom.models.StaffSettings) when it is still one of
    staff_languages(), else what their browser asks for among them (the login page's rule)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        chosen = chosen_staff_language(request)
        if chosen in staff_languages():
            return chosen, False
    return accepted_staff_language(request), True


@receiver(user_logged_in)
def remember_staff_language(sender, request, user, **kwargs):
    """Keep the staff member's chosen language in the new session (one query, at login)."""
    if request is not None and hasattr(request, "session") and user.is_staff:
        from newsroom.models import StaffSettings

        request.session[STAFF_LANGUAGE_SESSION_KEY] = StaffSettings.language_of(user)


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
    """Speak the edition the address names for the whole request, and nothing after it: the
    next request on this thread starts from its own address.

    The staff area (STAFF_NAMESPACES) speaks the staff member's language instead
    (staff_language()); a staff page whose language came from Accept-Language says so in
    Vary. Reader pages never look at Accept-Language, so they vary on nothing of it, and a
    staff member's choice changes nothing a reader page says, to them or anyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.edition = from_path(request.path_info)
        translation.activate(request.edition)
        request.LANGUAGE_CODE = request.edition
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        if getattr(request, "_staff_language_from_header", False):
            patch_vary_headers(response, ["Accept-Language"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and STAFF_NAMESPACES.intersection(match.namespaces):
            language, from_header = staff_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            request._staff_language_from_header = from_header


@receiver(setting_changed)
def editions_changed(setting, **kwargs):
    """Tests that change the editions get reverse tables made for them."""
    if setting in {"SITE_LANGUAGES", "LANGUAGE_CODE"}:
        clear_url_caches()
