"""Parts of reader pages kept in the shared cache between renders: a story's comment thread,
its related links, the header's sections. The page cache (newsroom.pagecache) keeps whole
pages for anonymous readers; these fragments make the pages it must draw (a miss, a signed-in
editor, a reader with a cookie) cheaper, and serve every page that shows the same part.

A fragment is keyed by the stamps of the dependency tags it shows (`pagecache.versions`), so
the change that makes a page stale makes its fragments stale too: nothing is deleted, the next
render just asks for a key that does not exist yet. What a fragment shows that is only known
once it is drawn (the stories a related list picked) is checked on every read: their stamps
are kept with the fragment and must not have moved. A fragment is never drawn from anything
personal (a reader's own pending comments, a remembered name): the callers draw those parts
afresh, outside any fragment.

Without a shared cache (local memory in development, or Redis unreachable) there are no
fragments: every render draws everything, as before.
"""

import hashlib
import logging

from django.conf import settings
from django.utils import translation

from newsroom import pagecache

logger = logging.getLogger(__name__)

PREFIX = "fragment:"


def preload(request, *tags):
    """Read the stamps of `tags`, and the clock, in one round trip, for the fragments this
    request will draw (Fragment(..., request=request)). Safe to read early: a fragment is
    drawn from the database after its key's stamps were read, so a change committed
    meanwhile moves a stamp past the key, and its next reader draws it again."""
    if not tags or not pagecache.shared():
        return
    keys = {pagecache.tag_key(tag): tag for tag in tags}
    try:
        found = pagecache.page_cache().get_many([*keys, pagecache.CLOCK_KEY])
        clock = found.pop(pagecache.CLOCK_KEY, None)
        stamps = {keys[key]: value[0] for key, value in found.items()}
        missing = [tag for tag in tags if tag not in stamps]
        if missing:
            stamps.update(pagecache.versions(*missing) or ())
    except Exception:
        logger.warning("Fragment cache unreachable", exc_info=True)
        return
    if clock is not None and all(tag in stamps for tag in tags):
        request.__dict__.setdefault("_fragment_stamps", {}).update(stamps)
        request._fragment_clock = clock


class Fragment:
    """One fragment: `Fragment("thread", ["comments:7"], page, ...)`, then `get()`, and on a
    miss `set(value, shows=[...])` with the tags of what the drawn value turned out to show.

    `request`: the stamps preload() read for it are used (else they are read now).
    `follows_schedule`: the fragment lists stories chosen by publication time, so it is not
    kept past the next scheduled publication (which stamps nothing when it comes).
    """

    def __init__(self, name, tags, *params, request=None, shows=(), follows_schedule=False):
        self.name = name
        self.shows = shows
        self.follows_schedule = follows_schedule
        self.clock = None
        memo = getattr(request, "_fragment_stamps", {})
        if all(tag in memo for tag in tags):
            stamps = tuple((tag, memo[tag]) for tag in sorted(set(tags)))
            self.clock = request._fragment_clock
        else:
            stamps = pagecache.versions(*tags)
        if stamps is None:
            self.key = None
            return
        raw = repr((name, stamps, translation.get_language(), params))
        digest = hashlib.sha256(raw.encode()).hexdigest()
        self.key = f"{PREFIX}{name}:{digest}"

    def get(self):
        """The kept value, or None (then draw it and `set()` it)."""
        if self.key is None:
            return None
        try:
            if self.clock is None:
                found = pagecache.page_cache().get_many([self.key, pagecache.CLOCK_KEY])
                # Read before the caller reads the database: see set().
                self.clock = found.get(pagecache.CLOCK_KEY)
                entry = found.get(self.key)
            else:
                entry = pagecache.page_cache().get(self.key)
            if entry is None:
                return None
            value, shown = entry
            if shown and pagecache.versions(*(tag for tag, _stamp in shown)) != shown:
                return None
        except Exception:
            logger.warning("Fragment cache unreachable; drawing %s", self.name, exc_info=True)
            self.key = None
            return None
        return value

    def set(self, value, shows=None):
        """Keep `value`, drawn after get() missed. `shows` (by default the ones given when it
        was made): the tags of what it shows beyond the key's (checked on every read). Not
        kept if any of them changed while it was drawn: their stamps are later than the clock
        read before the database was."""
        if self.key is None or self.clock is None:
            return
        shows = self.shows if shows is None else shows
        try:
            shown = pagecache.versions(*shows) if shows else ()
            if shown is None or any(stamp > self.clock for _tag, stamp in shown):
                return
            # As long as the stamps it is keyed by are kept: it cannot go stale before.
            timeout = settings.PAGE_CACHE_TIMEOUT + settings.PAGE_CACHE_KEEP
            if self.follows_schedule:
                moment = pagecache.next_change()
                if moment is not None:
                    timeout = min(timeout, moment - pagecache.wall_time())
                if timeout < 1:
                    return
            pagecache.page_cache().set(self.key, (value, shown), timeout=int(timeout))
        except Exception:
            logger.warning("Fragment cache unreachable; %s not kept", self.name, exc_info=True)
