"""CSRF protection for the public comment forms, by the browser's Origin header.

Story pages are served to anonymous readers from shared caches (issue: public caching), so
they cannot carry a CSRF token tied to one visitor's cookie. Instead the comment and report
views accept a POST only when the browser says it comes from our own pages: every current
browser sends `Origin` with a form POST (older ones at least `Referer`). This is the same
origin check Django's CsrfViewMiddleware makes, and OWASP's "verifying origin with standard
headers" defence; a POST with no origin at all, `Origin: null` or a foreign one is refused.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt


def _origin_of(url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _trusted(origin, request):
    """Our own origin, or one in CSRF_TRUSTED_ORIGINS (`https://*.example.org` included)."""
    if origin is None:
        return False
    origin = origin.lower()
    if origin == f"{request.scheme}://{request.get_host()}".lower():
        return True
    scheme, _sep, host = origin.partition("://")
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted = trusted.lower()
        if trusted == origin:
            return True
        trusted_scheme, _sep, pattern = trusted.partition("://")
        if "*" in pattern and trusted_scheme == scheme and is_same_domain(host, pattern[1:]):
            return True
    return False


def is_same_origin(request):
    origin = request.headers.get("Origin")
    if origin is not None:
        return _trusted(origin, request)
    referer = request.headers.get("Referer")
    return referer is not None and _trusted(_origin_of(referer), request)


def refused(request, *args, **kwargs):
    """The refusal, in the language of the story the post was for: the view names it with a
    `story_language` attribute (a function taking the view's arguments), as it names its
    answer to a database outage."""
    match = getattr(request, "resolver_match", None)
    language_of = getattr(match.func, "story_language", None) if match else None
    language = language_of(request, *args, **kwargs) if language_of else translation.get_language()
    with translation.override(language):
        return render(request, "comments/refused.html", status=403)


def same_origin_post(view):
    """Exempt `view` from the cookie-token check and require a same-origin POST instead."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            return refused(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
