"""How many comments and reports one connection may send: a fixed window per client IP.

The counter lives in Redis when the cache is Redis, so it holds across app servers. When
Redis cannot be reached (down or restarting), the same counter is kept in the database
instead, with one warning in the log per request: the limit keeps holding and no reader's
post fails because of it. A cache whose increment is not atomic across processes (Django's
database cache, production's default without Redis) is never used for counting: the
database's one-statement upsert is, directly. The windows are aligned to the clock, so both counters agree on when a
window ends and the 429 answer can say how long to wait.
"""

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from redis.exceptions import RedisError

from comments.conf import setting
from comments.models import RateLimitCounter

logger = logging.getLogger(__name__)

# Caches whose incr() is one atomic step: Redis's INCR (shared by every server), and local
# memory's lock (one process: development only).
ATOMIC_COUNTING_CACHES = (RedisCache, LocMemCache)


def client_ip(request):
    """The client's address from the header named by COMMENTS_CLIENT_IP_HEADER.

    Behind proxies set it to e.g. HTTP_X_FORWARDED_FOR. Each proxy appends the address it saw,
    so the leftmost entries are whatever the client chose to send: the address taken is the
    one COMMENTS_PROXY_COUNT places from the right, the one our outermost proxy saw.
    """
    value = request.META.get(setting("CLIENT_IP_HEADER")) or request.META.get("REMOTE_ADDR", "")
    addresses = [part.strip() for part in value.split(",") if part.strip()]
    if not addresses:
        return None
    index = max(1, setting("PROXY_COUNT"))
    address = addresses[-min(index, len(addresses))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@dataclass(frozen=True)
class Allowance:
    """The answer to one attempt: true while under the limit; `retry_after` seconds left."""

    allowed: bool
    retry_after: int = 0

    def __bool__(self):
        return self.allowed


def hit(request, bucket, now=None):
    """Count one attempt in `bucket` ("post", "report") for the client's address."""
    limit = setting("RATE_LIMIT")
    if not limit:
        return Allowance(True)
    window = setting("RATE_WINDOW_SECONDS")
    now = time.time() if now is None else now
    start = int(now // window * window)
    retry_after = max(1, start + window - int(now))
    ip = client_ip(request) or "unknown"
    key = f"comments:rate:{bucket}:{hashlib.sha256(ip.encode()).hexdigest()[:32]}"
    if not isinstance(caches["default"], ATOMIC_COUNTING_CACHES):
        return Allowance(_count_in_database(key, start) <= limit, retry_after)
    try:
        count = _count_in_cache(f"{key}:{start}", timeout=retry_after + 1)
    except (RedisError, OSError) as error:  # Redis down, restarting or unreachable
        logger.warning(
            "Cache unavailable (%s: %s); rate limit counted in the database",
            type(error).__name__,
            error,
        )
        count = _count_in_database(key, start)
    return Allowance(count <= limit, retry_after)


def _count_in_cache(key, timeout):
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _count_in_database(key, start):
    """Add one to the window's row and return the new count, in one atomic statement.

    INSERT ... ON CONFLICT DO UPDATE takes the row lock on PostgreSQL (SQLite writes one at a
    time), so concurrent requests on any number of servers each see their own count. Rows of
    past windows are deleted on the way.
    """
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    key_col, start_col, count_col = (
        connection.ops.quote_name(name) for name in ("key", "window_start", "count")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {start_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608 (names quoted, values bound)
            f"ON CONFLICT ({key_col}, {start_col}) "
            f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}",
            [key, start],
        )
        count = cursor.fetchone()[0]
    RateLimitCounter.objects.filter(window_start__lt=start).delete()
    return count
