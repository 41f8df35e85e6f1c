"""Settings for scripts/bench.py: production settings plus one trivial view to compare with."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
