import logging
import re
import sys
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views import defaults

from newsroom.http import may_be_personal
from newsroom.logging import request_id_var

logger = logging.getLogger(__name__)

# A proxy may hand us its own id; accept it only when it looks like one.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tag each request (and every log line written while serving it) with an id.

    The id comes from the proxy's X-Request-ID header when it sends a sane one, and is echoed
    back in the response so an error a reader reports can be found in the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


# Seconds a reader (or a crawler) is asked to wait before trying again during an outage.
RETRY_AFTER_SECONDS = 30


# SQLite reports a schema that does not match the code (a migration not run) as an
# OperationalError too: that is a bug to fix, not an outage to wait out.
SCHEMA_ERRORS = ("no such table", "no such column", "has no column")


def is_outage(error):
    """A database that cannot be reached: what the driver raises when the server is down,
    restarting, out of connections or cut off, or a statement timed out. A retry later can
    succeed. Every other exception (ProgrammingError, IntegrityError...) is a bug."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    return not str(error).lower().startswith(SCHEMA_ERRORS)


def outage_response(request):
    """The 503 answer to a database outage: the view's own, or the site's "back in a moment".

    A view may give its own answer (a comment form keeps the reader's text) as its
    `database_unavailable` attribute: a function taking the view's arguments that must not
    touch the database. Status and headers are set here, for every such answer.
    """
    match = getattr(request, "resolver_match", None)
    answer = getattr(match.func, "database_unavailable", None) if match else None
    response = None
    if answer is not None:
        try:
            response = answer(request, *match.args, **match.kwargs)
        except Exception:  # a bug in the view's own answer: the plain 503 page still stands
            logger.exception("The view's answer to a database outage failed")
    if response is None:
        response = HttpResponse(render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME}))
    response.status_code = 503
    response.reason_phrase = "Service Unavailable"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A database outage in a view gets a 503 that says "try again", never a 500.

    What fails outside a view (a session saved on the way out, the 404 page's own queries)
    reaches Django's 500 handler, `server_error` below, which gives the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.warning("Database unavailable (%s); answered 503", exception, exc_info=exception)
        return outage_response(request)


def server_error(request):
    """handler500: Django's 500 page, unless the exception being handled is an outage."""
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    return defaults.server_error(request)


# Answers a shared cache may keep for anonymous visitors: they say the same to everyone.
# Not a 404: a story due to go live at that address must not stay "not found" in caches.
SHAREABLE = {301, 308}


class ErrorCacheControlMiddleware:
    """Every redirect and error answer says how long it may be kept.

    Views decide for the pages they serve (newsroom.http); a redirect or an error page that
    comes without a Cache-Control gets one here. A permanent redirect to a visitor with no
    session may be kept like the pages around it (PUBLIC_CACHE_MAX_AGE, SHARED_CACHE_MAX_AGE);
    everything else (a redirect to the login page, a "not found", a refused or failed request,
    a 429 or 503 meant for one client at one moment) is stored by no one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status < 300 or status == 304 or response.has_header("Cache-Control"):
            return response
        if (
            status in SHAREABLE
            and request.method in ("GET", "HEAD")
            and not may_be_personal(request)
        ):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_CACHE_MAX_AGE,
                s_maxage=settings.SHARED_CACHE_MAX_AGE,
            )
            patch_vary_headers(response, ("Cookie",))
        else:
            add_never_cache_headers(response)
        return response
