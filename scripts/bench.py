#!/usr/bin/env python3
"""Benchmark the reader site under gunicorn, on PostgreSQL and Redis: `make bench`.

One run (about five minutes) prints one table, every rate beside the trivial view's:
  1. a throwaway PostgreSQL database (dropped at the end, whatever happens) and a Redis
     database of its own (BENCH_REDIS_URL, flushed first), migrated and filled with a small
     paper (scripts/bench_seed.py: 300 stories; the one measured has 3 tags, 2 authors, a
     lead image, a correction, 3 related links and 40 approved comments);
  2. the story page's SQL queries counted (scripts/bench_probe.py): on a page-cache miss,
     with an empty cache and with its fragments kept, and as a 304;
  3. gunicorn, 2 sync workers, production settings (DEBUG off), the page cache on: the trivial
     view (a Django view that does nothing, which the page cache leaves alone), the story page
     from the page cache (with gzip, and once without), the story page as a 304 (If-None-Match
     with its ETag), home, the RSS feed and search;
  4. gunicorn again with PAGE_CACHE=off, every other cache as in production (Redis): the story
     page, home, feed and search on a miss: drawn for every request;
  5. single flight: gunicorn with threaded workers (gthread), the story saved through the ORM
     (which invalidates its page), then BENCH_READERS (500) concurrent requests for it; each
     answer's X-Page-Cache says whether it was drawn (miss) or waited for the one drawing it.

wrk -t2 -c16 loads each page for BENCH_SECONDS after a 2 s warm-up, asking for gzip as browsers
do (one row without); the pages of one server take turns for BENCH_ROUNDS rounds and each row
gives its median round, so a machine that slows down for a while weighs on every row alike.
Run on a quiet machine: the rates are shared with wrk, PostgreSQL and Redis on the same cores.

Environment: BENCH_ADMIN_URL (default postgres://postgres@127.0.0.1/postgres) creates the
database; BENCH_REDIS_URL (default redis://127.0.0.1:6379/15: that database is emptied);
BENCH_SECONDS (5); BENCH_ROUNDS (3); BENCH_CONNECTIONS (16); BENCH_READERS (500); BENCH_THREADS (threads per
worker in the single-flight run, 64); BENCH_BASELINE_MISS (42.9: the story page's req/s
before the page cache, on the machine the targets were set on). Needs wrk (apt-get install wrk).
"""

import asyncio
import contextlib
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
READERS = int(os.environ.get("BENCH_READERS", "500"))
THREADS = int(os.environ.get("BENCH_THREADS", "64"))
BASELINE_MISS = float(os.environ.get("BENCH_BASELINE_MISS", "42.9"))
WORKERS = 2
GZIP = {"Accept-Encoding": "gzip"}
HOME, FEED, SEARCH = "/", "/feed/", "/search/?q=council"
TOUCH = (
    "import django; django.setup(); from articles.models import Article; "
    "Article.objects.get(pk={pk}).save()"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name):
    parts = urlsplit(ADMIN_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def run(args, env, capture=False):
    done = subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=capture, text=True)
    return done.stdout


def last_json(output):
    return json.loads(output.strip().splitlines()[-1])


def fetch(base, path, headers=None):
    """(status, headers, body) of one GET, without following anything."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def wait_until_up(base, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fetch(base, "/bench/trivial/")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {base} within {timeout}s")


@contextlib.contextmanager
def gunicorn(env, *options):
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "newsroom.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *options,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def wrk_args(headers):
    return [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]


def wrk(url, headers):
    """req/s, p50, p99 and the count of errors (non-2xx/3xx answers, socket errors)."""
    warm = ["wrk", "-t1", "-c4", "-d2s", *wrk_args(headers), url]
    subprocess.run(warm, capture_output=True, check=True, timeout=60)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *wrk_args(headers), url],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 60,
    )
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # Lines of the latency distribution only: a thread-stats column can also end in "99%".
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE).group(1)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE).group(1)
    errors = sum(
        int(found.group(1))
        for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?timeout (\d+)")
        if (found := re.search(pattern, out))
    )
    return rps, p50, p99, errors


def measure(base, pages):
    """One row per (label, path, headers): what a request gets (status, X-Page-Cache), then
    wrk's figures. The pages take turns for ROUNDS rounds and each row keeps its median round
    (by req/s): a machine that slows down for a while weighs on every row alike, and one bad
    round does not decide a row."""
    answers = {}
    for label, path, headers in pages:
        fetch(base, path, headers)  # drawn and kept, where there is a page cache
        status, response, _body = fetch(base, path, headers)
        answers[label] = f"{status} {response.getheader('X-Page-Cache') or '-'}"
    rounds = {label: [] for label, _path, _headers in pages}
    for _ in range(ROUNDS):
        for label, path, headers in pages:
            rounds[label].append(wrk(base + path, headers))
    rows = []
    for label, _path, _headers in pages:
        runs = sorted(rounds[label], key=lambda run: run[0])
        rows.append((label, answers[label], *runs[len(runs) // 2]))
    return rows


async def one_reader(host, port, path, go):
    reader, writer = await asyncio.open_connection(host, port)
    await go.wait()
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    await reader.read()
    writer.close()
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    lowered = {name.lower(): value for name, value in headers.items()}
    return status, lowered.get("x-page-cache", "")


async def readers_at_once(base, path, count):
    parts = urlsplit(base)
    go = asyncio.Event()
    tasks = [
        asyncio.create_task(one_reader(parts.hostname, parts.port, path, go)) for _ in range(count)
    ]
    await asyncio.sleep(0.5)  # every connection open, then every request sent at once
    started = time.monotonic()
    go.set()
    answers = await asyncio.gather(*tasks, return_exceptions=True)
    return answers, time.monotonic() - started


def single_flight(env, story_url, story_pk):
    """Renders caused by READERS concurrent requests for a story whose page was just made
    stale: the answers that say they were drawn (miss) or say nothing (no page cache)."""
    threads = ["--worker-class", "gthread", "--threads", str(THREADS)]
    with gunicorn(env, *threads) as base:
        for _ in range(2):
            fetch(base, story_url, GZIP)
        run([PYTHON, "-c", TOUCH.format(pk=story_pk)], env)
        answers, seconds = asyncio.run(readers_at_once(base, story_url, READERS))
    failed = [answer for answer in answers if isinstance(answer, BaseException)]
    answered = [answer for answer in answers if not isinstance(answer, BaseException)]
    how = Counter(cache or "none" for _status, cache in answered)
    statuses = Counter(status for status, _cache in answered)
    renders = sum(count for cache, count in how.items() if cache not in ("hit", "wait", "stale"))
    return {
        "renders": renders,
        "how": dict(how),
        "statuses": dict(statuses),
        "failed": len(failed),
        "seconds": seconds,
    }


def page_size(base, path):
    status, response, sent = fetch(base, path, GZIP)
    encoding = response.getheader("Content-Encoding")
    html = gzip.decompress(sent) if encoding == "gzip" else sent
    css_js = 0
    for link in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        with urllib.request.urlopen(
            urllib.request.Request(base + link.decode(), headers=GZIP), timeout=10
        ) as static:
            css_js += len(static.read())
    return len(html), len(sent), encoding or "uncompressed", css_js


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    name = f"newsroom_bench_{os.getpid()}"
    static_root = tempfile.mkdtemp(prefix="newsroom-bench-static-")
    media_root = tempfile.mkdtemp(prefix="newsroom-bench-media-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "bench",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT)]),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
        "PAGE_CACHE": "on",
    }
    miss_env = {**env, "PAGE_CACHE": "off"}
    redis.Redis.from_url(REDIS_URL).flushdb()
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
        facts = last_json(run([PYTHON, "scripts/bench_seed.py"], env, capture=True))
        story = facts["story_url"]
        facts |= last_json(run([PYTHON, "scripts/bench_probe.py", story], env, capture=True))
        with gunicorn(env) as base:
            size = page_size(base, story)
            etag = fetch(base, story, GZIP)[1].getheader("ETag") or ""
            rows = measure(
                base,
                [
                    ("trivial view", "/bench/trivial/", GZIP),
                    ("story, cached", story, GZIP),
                    ("story, cached, no gzip", story, {}),
                    ("story, 304", story, {**GZIP, "If-None-Match": etag}),
                    ("home, cached", HOME, GZIP),
                    ("feed, cached", FEED, GZIP),
                    ("search, cached", SEARCH, GZIP),
                ],
            )
        with gunicorn(miss_env) as base:
            rows += measure(
                base,
                [
                    ("story, miss", story, GZIP),
                    ("home, miss", HOME, GZIP),
                    ("feed, miss", FEED, GZIP),
                    ("search, miss", SEARCH, GZIP),
                ],
            )
        flight = single_flight(env, story, facts["story_pk"])
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        redis.Redis.from_url(REDIS_URL).flushdb()
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
    report(rows, facts, size, flight)


def report(rows, facts, size, flight):
    print(
        f"\ngunicorn, {WORKERS} workers, PostgreSQL, Redis; "
        f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, median of {ROUNDS} rounds taken in turn, "
        "127.0.0.1, gzip asked for unless said"
    )
    print(
        f"{'page':<24}{'answer':>10}{'req/s':>10}{'p50':>10}{'p99':>10}{'/trivial':>10}{'errors':>8}"
    )
    rate = {label: rps for label, _answer, rps, *_rest in rows}
    trivial = rate["trivial view"]
    for label, answer, rps, p50, p99, errors in rows:
        print(
            f"{label:<24}{answer:>10}{rps:>10.1f}{p50:>10}{p99:>10}{rps / trivial:>10.0%}{errors:>8}"
        )
    html, sent, encoding, css_js = size
    print(
        f"\nstory page ({facts['story_comments']} comments): HTML {html} B, sent {sent} B "
        f"({encoding}) + CSS/JS {css_js} B compressed, images excluded"
    )
    print(
        f"story page SQL queries: miss {facts['miss_queries']} "
        f"({facts['miss_queries_empty_cache']} with an empty cache); "
        f"conditional GET {facts['conditional_queries']} "
        f"(answered {facts['conditional_status']})"
    )
    how = ", ".join(f"{cache} {count}" for cache, count in sorted(flight["how"].items()))
    print(
        f"single flight: {READERS} concurrent readers of the story just saved "
        f"(gthread, {WORKERS}x{THREADS} threads): {flight['renders']} render(s) "
        f"[X-Page-Cache: {how}], statuses {flight['statuses']}, "
        f"{flight['failed']} failed, all answered in {flight['seconds']:.2f} s"
    )
    cached, miss, conditional = (
        rate["story, cached"],
        rate["story, miss"],
        rate["story, 304"],
    )
    checks = [
        ("cached >= 70% of trivial", cached >= 0.7 * trivial, f"{cached / trivial:.0%}"),
        (
            f"miss >= 3x {BASELINE_MISS} req/s",
            miss >= 3 * BASELINE_MISS,
            f"{miss / BASELINE_MISS:.1f}x",
        ),
        ("miss <= 6 queries", facts["miss_queries"] <= 6, str(facts["miss_queries"])),
        ("304 >= 70% of trivial", conditional >= 0.7 * trivial, f"{conditional / trivial:.0%}"),
        (
            "304 <= 1 query",
            facts["conditional_status"] == 304 and facts["conditional_queries"] <= 1,
            f"{facts['conditional_queries']} ({facts['conditional_status']})",
        ),
        ("one render for the readers", flight["renders"] == 1, str(flight["renders"])),
    ]
    print("\ntargets:")
    for name, met, value in checks:
        print(f"  {'met ' if met else 'MISSED'} {name}: {value}")


if __name__ == "__main__":
    main()
