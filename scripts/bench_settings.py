"""Settings for scripts/bench.py: production settings plus one trivial view to compare with."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

# The trivial view is Django doing nothing: the page cache does not look at it.
PAGE_CACHE_NEVER_PREFIXES = (*PAGE_CACHE_NEVER_PREFIXES, "/bench/")  # noqa: F405
