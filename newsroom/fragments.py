"""Parts of reader pages kept in the shared cache between renders: a story's comment thread,
its related links, authors, tags and corrections, the drawn story, the header's sections. The
page cache (newsroom.pagecache) keeps whole pages for anonymous readers; these fragments make
the pages it must draw (a miss, a signed-in editor, a reader with a cookie) cheaper.

A fragment is keyed by the stamps of the dependency tags it shows (`pagecache.versions`), so
the change that makes a page stale makes its fragments stale too: nothing is deleted, the next
render asks for a key that does not exist yet. What a fragment shows that is known only once it
is drawn (the stories a related list picked, a story's authors) is checked on every read: the
stamps of those tags are kept with the fragment and must not have moved.

A fragment is kept only if no stamp it depends on is later than the clock (the counter stamps
are taken from) read before the page read the database, `begin()`: a change committed while it
was drawn might be missing from it (the page cache's own rule for pages). A change in a
transaction is stamped twice, before and after its commit, so a fragment drawn between the two
is kept under a key no reader asks for again.

A fragment is never drawn from anything personal (a reader's own pending comments, a
remembered name): the callers draw those parts afresh, outside any fragment. Without a shared
cache (local memory in development, or Redis unreachable) there are no fragments: every render
draws everything.
"""

import hashlib
import logging

from django.conf import settings
from django.utils import translation

from newsroom import pagecache

logger = logging.getLogger(__name__)

PREFIX = "fragment:"


def begin(request):
    """Before a page reads the database: the clock its fragments are checked against. The page
    cache read it before the view ran (request._page_clock); otherwise it is read now."""
    if not pagecache.shared() or hasattr(request, "_fragment_clock"):
        return
    clock = getattr(request, "_page_clock", None)
    if clock is None:
        try:
            clock = pagecache.page_cache().get(pagecache.CLOCK_KEY)
        except Exception:
            logger.warning("Fragment cache unreachable", exc_info=True)
    request._fragment_clock = clock


def preload(request, *tags):
    """Read the stamps of `tags` in one round trip for the fragments this request will draw
    (Fragment(..., request=request)), instead of one read for each fragment."""
    if not tags or not pagecache.shared():
        return
    stamps = pagecache.versions(*tags)
    if stamps is not None:
        request.__dict__.setdefault("_fragment_stamps", {}).update(stamps)


class Fragment:
    """One fragment: `Fragment("thread", ["comments:7"], page, ...)`, then `get()`, and on a
    miss `set(value)` with, in `shows`, the tags of what the drawn value turned out to show.

    `request`: its preloaded stamps are used (else they are read now), and its clock (else
    the clock is read with the fragment: then nothing it shows may have been read from the
    database before). `follows_schedule`: the fragment lists stories chosen by publication
    time, so it is not kept past the next scheduled publication (which stamps nothing).
    """

    def __init__(self, name, tags, *params, request=None, shows=(), follows_schedule=False):
        self.name = name
        self.shows = shows
        self.follows_schedule = follows_schedule
        self.request = request
        self.clock = getattr(request, "_fragment_clock", None)
        self.fetched, self.value = False, None
        memo = getattr(request, "_fragment_stamps", {})
        if all(tag in memo for tag in tags):
            self.stamps = tuple((tag, memo[tag]) for tag in sorted(set(tags)))
        else:
            self.stamps = pagecache.versions(*tags)
        if self.stamps is None:
            self.key = None
            return
        raw = repr((name, self.stamps, translation.get_language(), params))
        digest = hashlib.sha256(raw.encode()).hexdigest()
        self.key = f"{PREFIX}{name}:{digest}"
        read = getattr(request, "_fragments_read", {})
        if self.key in read:  # read already for this request, by an earlier fetch()
            self.fetched, self.value = True, read[self.key]

    def get(self):
        """The kept value, or None (then draw it and `set()` it). Read once: see fetch()."""
        if not self.fetched:
            fetch(self)
        return self.value

    def set(self, value, shows=None):
        """Keep `value`, drawn after get() missed. `shows` (by default the ones given when it
        was made): the tags of what it shows beyond the key's, checked on every read."""
        if self.key is None or self.clock is None:
            return
        shows = self.shows if shows is None else shows
        try:
            shown = pagecache.versions(*shows) if shows else ()
            if shown is None or any(stamp > self.clock for _tag, stamp in (*self.stamps, *shown)):
                return  # something it shows changed while it was drawn
            expires = pagecache.next_change() if self.follows_schedule else None
            if expires is not None and expires <= pagecache.wall_time():
                return
            # Kept as long as the stamps it is keyed by: it cannot go stale before.
            timeout = settings.PAGE_CACHE_TIMEOUT + settings.PAGE_CACHE_KEEP
            pagecache.page_cache().set(self.key, (value, shown, expires), timeout=timeout)
        except Exception:
            logger.warning("Fragment cache unreachable; %s not kept", self.name, exc_info=True)


def fetch(*fragments):
    """Read several fragments at once: their entries in one round trip, then the stamps of
    everything they show in another, where each get() alone takes two. A fragment is found
    only if every stamp it keeps of what it shows still holds. What was read is remembered for
    the request: a fragment made later with the same key (by a template tag) is not read again."""
    todo = [fragment for fragment in fragments if not fragment.fetched]
    for fragment in todo:
        fragment.fetched = True
    todo = [fragment for fragment in todo if fragment.key is not None]
    if not todo:
        return
    keys = [fragment.key for fragment in todo]
    try:
        found = pagecache.page_cache().get_many([*keys, pagecache.CLOCK_KEY])
        entries = {fragment: found.get(fragment.key) for fragment in todo}
        shown = {tag for entry in entries.values() if entry for tag, _stamp in entry[1]}
        current = dict(pagecache.versions(*shown) or ()) if shown else {}
    except Exception:
        logger.warning("Fragment cache unreachable; drawing them", exc_info=True)
        for fragment in todo:
            fragment.key = None
        return
    now = pagecache.wall_time()
    for fragment, entry in entries.items():
        if fragment.clock is None:  # read before the caller reads the database: see set()
            fragment.clock = found.get(pagecache.CLOCK_KEY)
        if entry is None:
            continue
        value, shown, expires = entry
        if (expires is None or now < expires) and all(
            current.get(tag) == stamp for tag, stamp in shown
        ):
            fragment.value = value
    for fragment in todo:
        if fragment.request is not None:
            fragment.request.__dict__.setdefault("_fragments_read", {})[fragment.key] = (
                fragment.value
            )
