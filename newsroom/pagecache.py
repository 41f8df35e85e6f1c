"""The shared page cache: whole anonymous pages kept in the shared cache (Redis in production),
served without touching the database, and invalidated exactly.

Why dependency tags. A page names what it shows as it is drawn (`depends_on(request, "story:7",
"comments:7", "nav")`), and a change names what it changed (`invalidate("story:7")`). Versioned
keys (one site-wide version in every key) would throw every page away on every comment; a purge
list would have to know, at save time, every address that shows a story (its listings, every
page of them, every story linking to it), which only the pages themselves know. With tags the
page states its own dependencies, the change stays one line, and nothing else is flushed.

How a tag is stamped. `invalidate()` takes the next value of a shared counter (the "clock",
INCR in Redis) and writes it to each tag. A render reads the clock before it reads the database
and keeps that value with the page. The page is fresh while every tag it depends on carries a
stamp no later than its own: a change committed before the render began was seen by it; one
committed after stamps its tags later than the render (invalidation runs on commit), so the
copy is stale at once, on every server. A tag that is missing (evicted, expired) counts as
changed. The clock starts from the wall clock in milliseconds, so a clock lost with the cache
comes back ahead of every stamp it handed out.

Scheduled stories need no cron: a page is never kept fresh past the next scheduled publication
(`next_change` below, supplied by the story app).

Per-render fragments (the comment form's signed stamp and one-time id) are cut out of the
stored page and made afresh for every reader served from it (`newsroom.http.mark_volatile`
with `refresh=`), so a cached page's form is as fresh as a rendered one. Both the plain and the
gzip form of a page are stored: the gzip one as raw deflate segments, each closed with a sync
flush, around the fragments, so serving a hit compresses only the few bytes of the fragments.

Only anonymous GET/HEAD requests without a personal cookie are looked up (the cookie rule of
`newsroom.http.may_be_personal`), and only responses the reader site marked public, with no
cookie set, and whose view declared its dependencies are stored. The cache failing (Redis down)
never fails a page: it is drawn as if there were no cache. A page whose render fails on a
database outage is served from a kept copy if there is one whose content is still current (its
time is up, but nothing it shows has changed: a story taken down never comes back that way),
marked stale.
"""

import collections
import contextlib
import functools
import hashlib
import logging
import re
import struct
import threading
import time
import uuid
import zlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string
from django_tasks import task

from newsroom import http
from newsroom.redis_cache import RedisCache as SharedRedisCache
from newsroom.tasks import retry_later

logger = logging.getLogger(__name__)

CLOCK_KEY = "pagecache:clock"
LOCK_POLL_SECONDS = 0.02
# The lock's value while an answer that is never kept (a 404, a redirect) is being asked for.
OPEN_LOCK = "open"
OPEN_SECONDS = 1
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers made per request (or by this module), never stored with a page.
NOT_STORED = {"date", "content-length", "content-encoding", "x-page-cache", "set-cookie"}
STORED_STATUS = 200

# After the cache fails, this process leaves it alone for a few seconds rather than wait out
# its timeout again on every request and every save (a save stamps several tags).
BACKOFF_SECONDS = 5
_down_until = 0.0


def reachable():
    return time.monotonic() >= _down_until


def _failed(what):
    global _down_until
    _down_until = time.monotonic() + BACKOFF_SECONDS
    logger.warning("Page cache unreachable (%s); left alone for %s s", what, BACKOFF_SECONDS)


class LocalCopies:
    """The pages this process served last, kept in its memory beside the shared cache.

    A copy is served only after one small read from the shared cache shows that it is still
    the very entry the cache holds (its id) and that nothing it shows has changed since it was
    drawn (its tags' stamps): as exact as reading the entry itself, without fetching and
    unpickling the whole page (both its plain and gzip forms) on every hit. A breaking story
    read by thousands is thus one round trip of a few dozen bytes per reader.
    At most PAGE_CACHE_LOCAL_PAGES copies, least recently served dropped first.
    """

    def __init__(self):
        self._copies = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._copies.get(key)
            if entry is not None:
                self._copies.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = settings.PAGE_CACHE_LOCAL_PAGES
        if size <= 0 or "id" not in entry:
            return
        with self._lock:
            self._copies[key] = entry
            self._copies.move_to_end(key)
            while len(self._copies) > size:
                self._copies.popitem(last=False)

    def drop(self, key):
        with self._lock:
            self._copies.pop(key, None)

    def clear(self):
        with self._lock:
            self._copies.clear()

    def __len__(self):
        return len(self._copies)


local_copies = LocalCopies()


# Callables returning the wall time (epoch seconds) of the next scheduled change readers will
# see, or None. The story app registers the next scheduled publication.
_NEXT_CHANGE = []


def register_next_change(function):
    if function not in _NEXT_CHANGE:
        _NEXT_CHANGE.append(function)


def next_change():
    """The wall time of the next scheduled change readers will see, or None."""
    moments = [moment for function in _NEXT_CHANGE if (moment := function()) is not None]
    return min(moments, default=None)


def wall_time():
    """Epoch seconds, from Django's clock (which tests move)."""
    return timezone.now().timestamp()


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def shared():
    """Whether the cache is one every process sees (Redis, the database cache).

    A per-process cache (local memory, the development default) cannot carry invalidations
    from the worker or another server: then nothing here is kept, and ETags hash the page.
    """
    return isinstance(page_cache(), RedisCache | DatabaseCache)


def enabled():
    return settings.PAGE_CACHE and shared()


def tag_key(tag):
    return f"pagecache:tag:{tag}"


def entry_key(request):
    """One entry per host, path and the query parameters a reader page reads."""
    params = sorted((name, value) for name, values in request.GET.lists() for value in values)
    raw = "\0".join([release(), request.get_host(), request.path, repr(params)])
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def id_key(key):
    """Where the id of the entry kept at `key` is written beside it (a few bytes to read)."""
    return key + ":id"


@functools.cache
def release():
    """What this code and its static files are: pages kept by an earlier release (naming its
    fingerprinted CSS and scripts) are never served by this one. The staticfiles manifest
    changes with every build of the static files; PAGE_CACHE_RELEASE can name a release."""
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    try:
        manifest = (Path(settings.STATIC_ROOT) / "staticfiles.json").read_bytes()
    except (OSError, TypeError):
        return "unbuilt"
    return hashlib.sha256(manifest).hexdigest()[:16]


def kept_query(request):
    """The query the page is drawn from: only the parameters a reader page reads, so that
    what is drawn is what is keyed (a tracking parameter is neither a separate entry nor
    copied into the links of everyone's page)."""
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in settings.PAGE_CACHE_QUERY_PARAMS:
            kept.setlist(name, values)
    kept._mutable = False
    return kept


# Dependencies -------------------------------------------------------------------------------


# Every kept page depends on this tag: stamping it (after a restore of the database, say)
# makes every page stale at once.
SITE = "site"


def depends_on(request, *tags):
    """Say that the page drawn for `request` shows what `tags` name."""
    request.__dict__.setdefault("_page_tags", {SITE}).update(tags)


def declared_tags(request):
    return getattr(request, "_page_tags", None)


def _now_clock(cache):
    value = cache.get(CLOCK_KEY)
    if value is None:
        cache.add(CLOCK_KEY, int(time.time() * 1000), timeout=None)
        value = cache.get(CLOCK_KEY)
    return value


_pending = threading.local()


def invalidate_on_commit(*tags):
    """invalidate(*tags) now, and again once the current transaction commits.

    The first stamp makes the pages stale at once (a reader on this connection, or a test
    inside its transaction, sees the change); the second catches a page another server drew
    from the database between the two, before the change was committed. The second stamps
    of one transaction go out together.
    """
    invalidate(*tags)
    if not transaction.get_connection().in_atomic_block:
        return
    if not hasattr(_pending, "tags"):
        _pending.tags = set()
    _pending.tags.update(tags)
    transaction.on_commit(_flush)


def _flush():
    tags, _pending.tags = _pending.tags, set()
    if tags:
        invalidate(*tags)


def invalidate(*tags):
    """Make every page that depends on any of `tags` stale, on every server, now.

    If the cache cannot be reached, the job worker retries, so that a page kept from before
    the outage is not served once the cache is back.
    """
    tags = sorted(set(tags))
    if not tags or not shared():
        return
    if reachable():
        try:
            stamp_tags(tags)
            return
        except Exception:
            _failed("stamping")
    logger.warning("Invalidation of %s left to the worker", tags)
    invalidate_later.enqueue(tags)


@task()
def invalidate_later(tags, attempt=1):
    try:
        stamp_tags(tags)
    except Exception:
        retry_later(invalidate_later, attempt, tags)


def stamp_tags(tags):
    cache = page_cache()
    try:
        stamp = cache.incr(CLOCK_KEY)
    except ValueError:  # no clock yet (a new or emptied cache)
        cache.add(CLOCK_KEY, int(time.time() * 1000), timeout=None)
        stamp = cache.incr(CLOCK_KEY)
    keep = settings.PAGE_CACHE_TIMEOUT + settings.PAGE_CACHE_KEEP
    cache.set_many({tag_key(tag): (stamp, wall_time()) for tag in tags}, timeout=keep)


def changed_at(tag):
    """The wall time `tag` was last invalidated (None if unknown): for Last-Modified."""
    if not shared() or not reachable():
        return None
    try:
        value = page_cache().get(tag_key(tag))
    except Exception:
        _failed("reading a stamp")
        return None
    return value[1] if value else None


def versions(*tags):
    """The stamps of `tags` as one hashable tuple (fragment keys, ETags). One cache read.

    A tag never invalidated gets a stamp now, so it has one from here on. None when the cache
    is not shared or cannot be reached: the caller does without.
    """
    if not shared() or not reachable():
        return None
    tags = sorted(set(tags))
    try:
        cache = page_cache()
        found = cache.get_many([tag_key(tag) for tag in tags])
        missing = [tag for tag in tags if tag_key(tag) not in found]
        if missing:
            stamp = _now_clock(cache)
            keep = settings.PAGE_CACHE_TIMEOUT + settings.PAGE_CACHE_KEEP
            for tag in missing:
                cache.add(tag_key(tag), (stamp, None), timeout=keep)
            found.update(cache.get_many([tag_key(tag) for tag in missing]))
    except Exception:
        _failed("reading versions")
        return None
    if any(tag_key(tag) not in found for tag in tags):
        return None
    return tuple((tag, found[tag_key(tag)][0]) for tag in tags)


def validator(request, epoch=None):
    """A weak ETag from what the page depends on (and the page's address), or None.

    None when the page declared nothing, or something it depends on changed while it was
    drawn (then the page is neither tagged nor stored: the next reader draws it again).
    """
    tags = declared_tags(request)
    if not tags:
        return None
    stamps = versions(*tags)
    if stamps is None:
        return None
    started = getattr(request, "_page_clock", None)
    if started is not None and any(stamp > started for _tag, stamp in stamps):
        request._page_changed_while_drawn = True
        return None
    raw = repr((request.path, sorted(request.GET.lists()), stamps, epoch))
    return 'W/"' + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest() + '"'


# Volatile fragments -------------------------------------------------------------------------


def split_volatile(content, fragments):
    """Cut `content` at each (text, refresh) fragment: ([bytes parts], [refresh])."""
    positions = []
    for text, refresh in fragments:
        needle = text.encode()
        start = content.find(needle)
        while start != -1:
            positions.append((start, start + len(needle), refresh))
            start = content.find(needle, start + len(needle))
    positions.sort()
    parts, fills, cursor = [], [], 0
    for start, end, refresh in positions:
        if start < cursor:
            continue  # overlapping fragments: keep the first
        parts.append(content[cursor:start])
        fills.append(refresh)
        cursor = end
    parts.append(content[cursor:])
    return parts, fills


def _deflate_segment(data):
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored_blocks(data):
    """`data` as deflate stored (uncompressed) blocks: a fill is a few dozen bytes, and
    starting a compressor for it cost 70 µs a fill on every hit. Each kept segment ends with a
    sync flush, so the stream is byte-aligned here, as a stored block's header needs (a final
    bit of 0, type 00, padding: one zero byte), then the length and its complement."""
    blocks = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        blocks.append(struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_DEFLATE_END = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)


def assemble(entry):
    """The page's bytes for one reader, and the same bytes gzip-compressed (or None)."""
    fresh = [str(_function(refresh[0])(*refresh[1:])).encode() for refresh in entry["fills"]]
    plain = [entry["parts"][0]]
    for fill, part in zip(fresh, entry["parts"][1:], strict=True):
        plain += [fill, part]
    body = b"".join(plain)
    if entry["gzip"] is None:
        return body, None
    deflated = [entry["gzip"][0]]
    for fill, segment in zip(fresh, entry["gzip"][1:], strict=True):
        deflated += [_stored_blocks(fill), segment]
    trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return body, b"".join([_GZIP_HEADER, *deflated, _DEFLATE_END, trailer])


@functools.cache
def _function(path):
    return import_string(path)


def _compressible(response):
    content_type = response.get("Content-Type", "")
    return len(response.content) >= 200 and (
        content_type.startswith("text/") or "xml" in content_type or "json" in content_type
    )


# The middleware -----------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve anonymous public pages from the shared cache; store them on the way out.

    It sits just inside GZipMiddleware: a page it serves is already compressed for a reader who
    asks for gzip (GZipMiddleware leaves a response with a Content-Encoding alone), and any
    other response goes out through GZipMiddleware as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.candidate(request):
            return self.get_response(request)
        request.GET = kept_query(request)
        key = entry_key(request)
        try:
            store = page_cache()
            copy = local_copies.get(key) if settings.PAGE_CACHE else None
            if copy is not None:
                if self.is_fresh_copy(store, key, copy):
                    return self.serve(request, copy, "hit")
                local_copies.drop(key)
            found = store.get_many([key, CLOCK_KEY])
            entry, clock = found.get(key), found.get(CLOCK_KEY)
            if clock is None:
                clock = _now_clock(store)
            if entry is not None and settings.PAGE_CACHE and self.is_fresh(store, entry):
                local_copies.put(key, entry)
                return self.serve(request, entry, "hit")
        except Exception:
            _failed("looking up a page")
            return self.get_response(request)
        request._page_clock = clock
        if not settings.PAGE_CACHE or request.method != "GET":
            return self.get_response(request)
        return self.draw_once(request, store, key, entry)

    @staticmethod
    def candidate(request):
        return (
            request.method in ("GET", "HEAD")
            and shared()
            and reachable()
            and not http.may_be_personal(request)
            and not request.path.startswith(settings.PAGE_CACHE_NEVER_PREFIXES)
        )

    @staticmethod
    def in_time(entry):
        return wall_time() < entry["expires"] and not http.renewal_passed(entry["renew_at"])

    @classmethod
    def is_fresh(cls, cache, entry):
        return cls.in_time(entry) and cls.is_current(cache, entry)

    @classmethod
    def is_fresh_copy(cls, cache, key, copy):
        """This process's copy is the entry the shared cache holds, and still fresh: one read
        of the entry's id and its tags' stamps."""
        if not cls.in_time(copy):
            return False
        keys = [tag_key(tag) for tag in copy["tags"]]
        if isinstance(cache, SharedRedisCache):
            if "made_keys" not in copy:  # made once per copy, not on every read
                copy["made_keys"] = [cache.make_key(key) for key in [id_key(key), *keys]]
            entry_id, *values = cache.get_made(copy["made_keys"])
            found = {key: value for key, value in zip(keys, values, strict=True) if value}
        else:
            found = cache.get_many([id_key(key), *keys])
            entry_id = found.pop(id_key(key), None)
        return entry_id == copy["id"] and cls.stamps_current(copy, keys, found)

    @classmethod
    def is_current(cls, cache, entry):
        """Nothing the page shows has changed since it was drawn (its time may be up)."""
        keys = [tag_key(tag) for tag in entry["tags"]]
        return cls.stamps_current(entry, keys, cache.get_many(keys))

    @staticmethod
    def stamps_current(entry, keys, stamps):
        """Every tag has a stamp (a missing one counts as changed), none later than the page."""
        return len(stamps) == len(keys) and all(
            stamp[0] <= entry["clock"] for stamp in stamps.values()
        )

    def may_serve_stale(self, cache, entry):
        """A copy is served through a database outage only if what it shows is still current:
        a story unpublished or corrected, a comment taken down since the copy was drawn, never
        comes back because the database is down."""
        try:
            return self.is_current(cache, entry)
        except Exception:
            return False

    def draw_once(self, request, cache, key, stale):
        """Draw the page, one server at a time: the others wait for its copy (single flight).

        A waiter whose drawer kept nothing because the page changed while it was drawn takes
        the lock in turn, so a crowd never draws at once. An answer that is never kept (a 404,
        a redirect, a page that declared nothing) leaves the lock open for a moment
        (OPEN_SECONDS): readers of it draw it side by side instead of queueing one at a time.
        The lock names its holder, so a drawer slower than the lock's life never releases
        another's.
        """
        lock = key + ":drawing"
        token = uuid.uuid4().hex
        deadline = time.monotonic() + settings.PAGE_CACHE_LOCK_SECONDS
        try:
            while not (won := cache.add(lock, token, timeout=settings.PAGE_CACHE_LOCK_SECONDS)):
                if cache.get(lock) == OPEN_LOCK:
                    break  # nothing will be kept: draw it here, without waiting
                waited = self.wait_for_copy(request, cache, key, lock, deadline)
                if waited is not None:
                    return waited
                if time.monotonic() >= deadline or cache.get(lock) == OPEN_LOCK:
                    break  # waited long enough, or nothing will be kept: draw it here
            if won:
                # Another server may have drawn and kept the page between this reader's lookup
                # and the lock: serve that copy rather than draw the page a second time.
                entry = cache.get(key)
                newer = entry is not None and (stale is None or entry["clock"] != stale["clock"])
                if newer and self.is_fresh(cache, entry):
                    if cache.get(lock) == token:
                        cache.delete(lock)
                    return self.serve(request, entry, "wait")
        except Exception:
            _failed("waiting for a page")
            return self.get_response(request)
        kept = False
        try:
            response = self.get_response(request)
            if (
                response.status_code == 503
                and stale is not None
                and self.may_serve_stale(cache, stale)
            ):
                return self.serve(request, stale, "stale")
            kept = response.status_code == STORED_STATUS and self.store(
                request, response, cache, key
            )
            return response
        finally:
            if won:
                with contextlib.suppress(Exception):  # it lapses by itself
                    if cache.get(lock) == token:
                        if kept or getattr(request, "_page_changed_while_drawn", False):
                            cache.delete(lock)
                        else:
                            cache.set(lock, OPEN_LOCK, timeout=OPEN_SECONDS)

    def wait_for_copy(self, request, cache, key, lock, deadline):
        """The page another process is drawing, once kept; None when the lock is free again
        (drawn but not kept) or the deadline has passed."""
        while time.monotonic() < deadline:
            time.sleep(LOCK_POLL_SECONDS)
            found = cache.get_many([key, lock])
            entry = found.get(key)
            if entry is not None and self.is_fresh(cache, entry):
                return self.serve(request, entry, "wait")
            if found.get(lock, OPEN_LOCK) == OPEN_LOCK:
                return None  # free again, or open: nothing was kept
        return None

    def store(self, request, response, cache, key):
        tags = declared_tags(request)
        cache_control = response.get("Cache-Control", "")
        if (
            not tags
            or response.streaming
            or response.cookies
            or "public" not in cache_control
            or "private" in cache_control
            or "no-cache" in cache_control
            or getattr(request, "_page_changed_while_drawn", False)
            or response.has_header("Content-Encoding")
            # A policy naming this response's CSP nonce must not be handed to other readers.
            or getattr(request, "_csp_nonce", None) is not None
        ):
            return
        fragments = getattr(request, "_volatile_refresh", [])
        parts, fills = split_volatile(response.content, fragments)
        now = wall_time()
        expires = now + settings.PAGE_CACHE_TIMEOUT
        try:
            moments = [next_change() for next_change in _NEXT_CHANGE]
        except Exception:  # the database went away: keep nothing rather than guess
            logger.warning("Next scheduled change unknown; page not kept", exc_info=True)
            return
        for moment in moments:
            if moment is not None:
                expires = min(expires, moment)
        if expires <= now:
            return
        entry = {
            "id": uuid.uuid4().hex,
            "clock": request._page_clock,
            "tags": sorted(tags),
            "expires": expires,
            "renew_at": http.volatile_renewal(request),
            "status": response.status_code,
            "headers": [
                (name, value) for name, value in response.items() if name.lower() not in NOT_STORED
            ],
            "parts": parts,
            "fills": fills,
            "gzip": [_deflate_segment(part) for part in parts]
            if _compressible(response)
            else None,
        }
        try:
            cache.set_many(
                {key: entry, id_key(key): entry["id"]},
                timeout=settings.PAGE_CACHE_TIMEOUT + settings.PAGE_CACHE_KEEP,
            )
        except Exception:
            _failed("keeping a page")
            return
        local_copies.put(key, entry)
        response["X-Page-Cache"] = "miss"
        return True

    def serve(self, request, entry, how):
        response = HttpResponse(status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = how
        if how == "stale":
            response["Cache-Control"] = "no-cache"
        conditional = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
        if conditional is not response:
            return conditional
        body, gzipped = assemble(entry)
        if gzipped is not None and ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response["Content-Encoding"] = "gzip"
            body = gzipped
        response.content = body if request.method != "HEAD" else b""
        response["Content-Length"] = str(len(body))
        return response
