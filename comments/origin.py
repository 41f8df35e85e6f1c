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
from django.views.decorators.csrf import csrf_exempt


def _origin_of(url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_same_origin(request):
    own = f"{request.scheme}://{request.get_host()}".lower()
    trusted = {own, *(origin.lower() for origin in settings.CSRF_TRUSTED_ORIGINS)}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() in trusted
    referer = request.headers.get("Referer")
    return referer is not None and _origin_of(referer) in trusted


def same_origin_post(view):
    """Exempt `view` from the cookie-token check and require a same-origin POST instead."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            return render(request, "comments/refused.html", status=403)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
