"""HTTP caching for the reader site.

Anonymous GETs of stories, listings and feeds may be kept by browsers and shared caches
(`Cache-Control: public, max-age=PUBLIC_CACHE_MAX_AGE, s-maxage=SHARED_CACHE_MAX_AGE`: a
shared cache, such as the stack's nginx, keeps a page about a second, since nobody can tell it
that the page changed), and are kept whole by our own page cache (newsroom.pagecache), which
is told. They carry validators: a weak ETag made from the stamps of what the page shows (the
dependency tags it declared, newsroom.pagecache.validator), never from the rendered bytes, and
Last-Modified from the data shown, so conditional requests get a 304 without a render when the
page cache holds the page. The ETag is weak because the bytes differ between two copies of the
same page (the comment form's stamp, compression); Django compares If-None-Match weakly. Only
where the cache is not shared (local memory, in development) is the ETag hashed from the page,
less its per-render fragments (see `mark_volatile`). A response that holds anything personal
(a signed-in user, a CSRF token in a form, a flash message) is private and never cached.
Every response varies on Cookie, since a signed-in editor sees a different page at the same
address, and on Accept-Encoding, since GZipMiddleware compresses it for clients that ask.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from newsroom import pagecache


def mark_personal(request):
    """Say that this response shows something of this visitor's own (kept private)."""
    request._personal_response = True


VOLATILE_PERIOD = 3600


def mark_volatile(request, fragment, period=VOLATILE_PERIOD, refresh=None):
    """Leave `fragment` (e.g. a per-render form stamp) out of the ETag of this response.

    `refresh` ("dotted.path.to.function", *args) makes a new value: the page cache calls it for
    every reader it serves the page to, so a cached page's fragment is made afresh.

    A cache whose copy is confirmed by a 304 keeps serving that copy, fragment and all. So the
    validators still change once every `period` seconds: a cached page's fragment is never
    older than `period` plus the max-age (the comment form's stamp is good for two hours).
    """
    request.__dict__.setdefault("_volatile_fragments", []).append(str(fragment))
    if refresh is not None:
        request.__dict__.setdefault("_volatile_refresh", []).append((str(fragment), refresh))
    request._volatile_period = min(getattr(request, "_volatile_period", period), period)


def volatile_renewal(request):
    """When this response's validators turn over (see mark_volatile), or None: the page
    cache serves its copy no longer."""
    period = getattr(request, "_volatile_period", None)
    return (int(time.time()) // period + 1) * period if period else None


def renewal_passed(moment):
    return moment is not None and time.time() >= moment


def is_personal(request):
    """True when this visitor's response must not be shared with anyone else."""
    if request.user.is_authenticated or getattr(request, "_personal_response", False):
        return True
    # get_token() was called: the page holds a CSRF token tied to this visitor's cookie.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return True
    messages = getattr(request, "_messages", None)
    return messages is not None and len(messages) > 0


# Cookies that may make a page this visitor's own, besides the session and flash messages:
# apps add theirs (the comments app, its remembered-name cookie).
PERSONAL_COOKIES = []


def may_be_personal(request):
    """is_personal() for answers made without the database (a redirect, an error page, a 503,
    a page from the page cache): read from the cookies alone, so a visitor who might be signed
    in, have a message waiting or a remembered name, counts as personal."""
    cookies = request.COOKIES
    return bool(
        settings.SESSION_COOKIE_NAME in cookies
        or CookieStorage.cookie_name in cookies
        or any(name in cookies for name in PERSONAL_COOKIES)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def set_last_modified(response, *moments):
    """Stamp Last-Modified with the latest of `moments` (None values are ignored)."""
    moments = [moment for moment in moments if moment is not None]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())
    return response


def finish(request, response):
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    if is_personal(request):
        add_never_cache_headers(response)
        return response
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_MAX_AGE,
        s_maxage=settings.SHARED_CACHE_MAX_AGE,
    )
    period = getattr(request, "_volatile_period", None)
    epoch = int(time.time()) // period * period if period else None
    if epoch is not None and response.has_header("Last-Modified"):
        modified = parse_http_date_safe(response["Last-Modified"]) or 0
        response["Last-Modified"] = http_date(max(modified, epoch))
    if not response.streaming and not response.has_header("ETag"):
        etag = pagecache.validator(request, epoch)
        if etag is not None:
            response["ETag"] = etag
        elif not getattr(request, "_page_changed_while_drawn", False):
            set_content_etag(request, response, epoch)
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def set_content_etag(request, response, epoch=None):
    """A weak ETag from the page, less the fragments that change on every render.

    `epoch` (the start of the current volatile period) is hashed in when the page has such
    fragments, so that the tag, and the copies caches keep, are renewed once a period.
    """
    content = response.content
    for fragment in getattr(request, "_volatile_fragments", ()):
        content = content.replace(fragment.encode(), b"")
    digest = hashlib.md5(content, usedforsecurity=False)
    if epoch is not None:
        digest.update(f"|{epoch}".encode())
    response["ETag"] = "W/" + quote_etag(digest.hexdigest())


def public_cache(view):
    """Decorate a reader view (function, or a class-based view's dispatch)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response = response.render()
        return finish(request, response)

    return wrapped


def private_page(response):
    """Staff previews and other personal pages: never stored anywhere."""
    patch_vary_headers(response, ("Cookie",))
    add_never_cache_headers(response)
    return response
