import logging

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_KEY = "newsroom:healthz"


def database_ok():
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def cache_ok():
    """A write and a read back: the cache answers and keeps what it is given."""
    value = get_random_string(12)
    key = f"{HEALTH_KEY}:{value}"  # a key per probe: probes on other servers cannot race it
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key) == value
        cache.delete(key)
        return answered
    except Exception as error:  # noqa: BLE001 (whatever the cache client raises when down)
        logger.warning("Health check: cache unavailable (%s: %s)", type(error).__name__, error)
        return False


@never_cache
@require_safe
def healthz(request):
    """Each dependency's state, for load balancers and monitoring.

    503 only when readers cannot be served (the database is down). A cache that is down
    leaves the site working (the comment rate limit counts in the database meanwhile), so
    the answer is 200 with status "degraded": the server stays in the pool.
    """
    database = database_ok()
    cache_up = cache_ok()
    checks = {
        "database": "ok" if database else "unavailable",
        "cache": "ok" if cache_up else "unavailable",
    }
    if not database:
        return JsonResponse({"status": "unavailable", **checks}, status=503)
    return JsonResponse({"status": "ok" if cache_up else "degraded", **checks})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, feeds)."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("img/favicon.svg"))
