#!/usr/bin/env python3
"""Profile the story page on a page-cache miss: cProfile over N renders, top entries.

Run against a database filled by scripts/bench_seed.py (scripts/bench.py does that for a
throwaway one; for a kept one: migrate, then `python scripts/bench_seed.py`), with the bench
settings and the page cache off (PAGE_CACHE=off), the other caches as in production (Redis):

  DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH=scripts:. DEBUG=false PAGE_CACHE=off \
  SECRET_KEY=... ALLOWED_HOSTS=testserver DATABASE_URL=postgres://... REDIS_URL=redis://... \
  python scripts/profile_story.py [N] [--sort cumulative|tottime] [--top 15]

Prints the mean time per render, the queries of one render, the profile's top entries, and
the cumulative top from the view down (per render).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("renders", nargs="?", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--url", help="the page to render (default: the featured story)")
    options = parser.parse_args()
    url = options.url or Article.objects.published().get(featured=True).get_absolute_url()
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    for _warm in range(5):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    print(f"{url}: {len(queries)} queries, X-Page-Cache: {response.get('X-Page-Cache', '-')}")
    for query in queries:
        print("  ", query["sql"][:160])
    # Unprofiled first: wall time waits for the database and Redis (and for a busy machine);
    # CPU time is this process's own work.
    wall, cpu = time.perf_counter(), time.process_time()
    for _render in range(options.renders):
        client.get(url)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    each = 1000 / options.renders
    print(f"{options.renders} renders: {wall * each:.2f} ms wall, {cpu * each:.2f} ms CPU each")
    profiler = cProfile.Profile()
    profiler.enable()
    for _render in range(options.renders):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(options.sort)
    stats.print_stats(options.top)
    print(out.getvalue())
    print(below_the_wrappers(stats, options.renders, options.top))


def below_the_wrappers(stats, renders, top):
    """The cumulative top from the view down (Django's View.dispatch), less the middleware and
    test-client frames that wrap it: where a render's time goes, per render."""
    entries = stats.stats.items()
    view = max(
        cumulative
        for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in entries
        if name == "dispatch" and path.endswith("base.py")
    )
    rows = sorted(
        (
            (cumulative, calls, own, f"{path.rsplit('/', 1)[-1]}:{line}({name})")
            for (path, line, name), (_cc, calls, own, cumulative, _callers) in entries
            if cumulative <= view
        ),
        reverse=True,
    )[:top]
    lines = [f"{'calls':>7} {'cumulative ms':>14} {'own ms':>8}  from the view down, per render"]
    lines += [
        f"{calls / renders:7.1f} {cumulative / renders * 1000:14.2f} {own / renders * 1000:8.2f}"
        f"  {name}"
        for cumulative, calls, own, name in rows
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
