#!/usr/bin/env python3
"""Benchmark every kind of page at two sizes of paper: does a page cost more as the archive grows?

What it does (`make bench-scale`; about 10 minutes at the default sizes):
  1. for each size (1,000 stories and 10,000 comments, then 100,000 and 1,000,000), creates a
     throwaway PostgreSQL database (dropped at the end, whatever happens), migrates it and
     fills it with scripts/bench_scale_seed.py (COPY, a progress bar on stderr);
  2. serves it with gunicorn, 2 workers, production settings (DEBUG off, Redis cache, the
     page cache off: PAGE_CACHE=off), on 127.0.0.1;
  3. signs in as a superuser through the login form (two-factor login off for the run) and
     requests each page REQUESTS times, one request at a time, after WARMUP requests; the
     pages take turns, so a neighbour's burst of CPU falls on all of them alike;
  4. prints one table: p50 and p95 at each size and the ratio of the p95s, marking the pages
     whose p95 grew by more than MAX_RATIO.

Options: --stories/--comments (the large paper), --small-stories/--small-comments, --requests,
--warmup, --only large|small, --keep (keep the large database and print its URL, to run
EXPLAIN on it; drop it yourself). Environment: BENCH_ADMIN_URL (default
postgres://postgres@127.0.0.1/postgres) for creating the databases, REDIS_URL (default
redis://127.0.0.1:6379/0) for the cache, under a key prefix of the run's own.
"""

import argparse
import gzip
import http.client
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from bench import ADMIN_URL, PYTHON, ROOT, database_url, free_port, wait_until_up

MAX_RATIO = 1.5
SITEMAP_PAGE = "story sitemap, page 1"
WORKERS = 2


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=None, help="default: 10 per story")
    parser.add_argument("--small-stories", type=int, default=1_000)
    parser.add_argument("--small-comments", type=int, default=None, help="default: 10 a story")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per page")
    parser.add_argument("--only", choices=["small", "large"], help="measure one size only")
    parser.add_argument(
        "--keep", action="store_true", help="keep the large database (for EXPLAIN)"
    )
    args = parser.parse_args(argv)
    args.comments = 10 * args.stories if args.comments is None else args.comments
    if args.small_comments is None:
        args.small_comments = 10 * args.small_stories
    return args


def percentile(samples, share):
    """Nearest-rank percentile of a list of numbers."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def pages(facts):
    """(label, path, signed in) of every page measured, from what the fill reports."""
    story, section = facts["story_url"], facts["section_url"]
    tag, author = facts["tag_slug"], facts["author_slug"]
    return [
        ("story, comments page 1", story, False),
        (
            "story, last comments page",
            f"{story}?comments_page={facts['story_last_comment_page']}",
            False,
        ),
        ("home", "/", False),
        ("section, page 1", section, False),
        ("section, last page", f"{section}?page={facts['section_last_page']}", False),
        ("tag", f"/tag/{tag}/", False),
        ("author", f"/author/{author}/", False),
        ("search, common word", "/search/?" + urlencode({"q": facts["common_word"]}), False),
        ("search, rare word", "/search/?" + urlencode({"q": facts["rare_word"]}), False),
        ("feed (RSS)", "/feed/", False),
        ("feed (Atom)", "/feed/atom/", False),
        ("section feed", f"{section}feed/", False),
        ("tag feed", f"/tag/{tag}/feed/", False),
        ("author feed", f"/author/{author}/feed/", False),
        ("sitemap index", "/sitemap.xml", False),
        (SITEMAP_PAGE, "/sitemap-stories.xml", False),
        ("news sitemap", "/news-sitemap.xml", False),
        ("admin: stories", "/admin/articles/article/", True),
        ("admin: comments (pending)", "/admin/comments/comment/", True),
        ("admin: moderation queue", "/admin/comments/comment/queue/", True),
    ]


class Client:
    """Plain HTTP/1.1 requests to the bench server, one connection each, as a browser asks."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, signed_in=False, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Accept-Encoding": "gzip", **(headers or {})}
        if signed_in and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        if response.getheader("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        return response.status, response.headers, content

    def log_in(self, username, password):
        status, _headers, page = self.request("GET", "/admin/login/", signed_in=True)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"no login form ({status})"
        form = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
                "next": "/admin/",
            }
        )
        status, headers, _page = self.request(
            "POST",
            "/admin/login/",
            body=form,
            signed_in=True,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not sign in as {username}: {status} {headers}")

    def timed(self, path, signed_in):
        started = time.perf_counter()
        status, _headers, _content = self.request("GET", path, signed_in=signed_in)
        elapsed = time.perf_counter() - started
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        return elapsed * 1000


def measure(sizes, requests, warmup):
    """{size label: {page label: (p50, p95)}}: the sizes and the pages take turns, one request
    at a time, so that whatever else runs on the machine weighs on every figure alike."""
    clients = {}
    for size in sizes:
        clients[size.label] = Client(size.port)
        clients[size.label].log_in(size.facts["username"], size.facts["password"])
    plan = {size.label: pages(size.facts) for size in sizes}
    samples = {size.label: {label: [] for label, _p, _s in plan[size.label]} for size in sizes}
    for size in sizes:
        for _label, path, signed_in in plan[size.label]:
            for _ in range(warmup):
                clients[size.label].timed(path, signed_in)
        # A sitemap file's size is its content: say how many addresses it holds.
        _status, _headers, body = clients[size.label].request("GET", "/sitemap-stories.xml")
        size.facts["sitemap_addresses"] = body.count(b"<url>")
    for round_ in range(requests):
        sys.stderr.write(f"\r  measuring: round {round_ + 1}/{requests}")
        sys.stderr.flush()
        for turn in range(len(plan[sizes[0].label])):
            for size in sizes:
                label, path, signed_in = plan[size.label][turn]
                samples[size.label][label].append(clients[size.label].timed(path, signed_in))
    sys.stderr.write("\n")
    return {
        size: {label: (percentile(v, 0.5), percentile(v, 0.95)) for label, v in pages_.items()}
        for size, pages_ in samples.items()
    }


def server_env(name, static_root, media_root):
    return {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT)]),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        # The client speaks plain http to 127.0.0.1: cookies must not be https-only.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # The bench's superuser signs in with a password alone.
        "STAFF_2FA_REQUIRED": "false",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": name,
        # What is measured is the page's own cost, not the shared page cache's.
        "PAGE_CACHE": "off",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
    }


class Size:
    """One paper: its throwaway database, filled, and the gunicorn serving it."""

    def __init__(self, label, stories, comments, static_root):
        self.label, self.stories, self.comments = label, stories, comments
        self.name = f"newsroom_scale_{label}_{os.getpid()}"
        self.media_root = tempfile.mkdtemp(prefix="newsroom-bench-media-")
        self.env = server_env(self.name, static_root, self.media_root)
        self.static_root = static_root
        self.server = self.facts = self.port = None
        self.created = False

    def fill(self, admin):
        sys.stderr.write(
            f"\n{self.label}: {self.stories:,} stories, {self.comments:,} comments ({self.name})\n"
        )
        admin.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True
        started = time.monotonic()
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], **self.run_options())
        if not os.listdir(self.static_root):
            subprocess.run(
                [*manage, "collectstatic", "--no-input", "-v", "0"], **self.run_options()
            )
        seeded = subprocess.run(
            [PYTHON, "scripts/bench_scale_seed.py", str(self.stories), str(self.comments)],
            stdout=subprocess.PIPE,
            text=True,
            **self.run_options(),
        )
        self.facts = json.loads(seeded.stdout.strip().splitlines()[-1])
        self.facts["setup_seconds"] = round(time.monotonic() - started, 1)
        sys.stderr.write(
            f"  filled in {self.facts['fill_seconds']}s "
            f"(with migrations {self.facts['setup_seconds']}s)\n"
        )

    def run_options(self):
        return {"cwd": ROOT, "env": self.env, "check": True}

    def serve(self):
        self.port = free_port()
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        self.server = subprocess.Popen(
            [gunicorn, "newsroom.wsgi", "--workers", str(WORKERS), "--timeout", "300"]
            + ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        wait_until_up(f"http://127.0.0.1:{self.port}/bench/trivial/")

    def close(self, admin, keep=False):
        if self.server is not None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=30)
        if keep and self.created:
            sys.stderr.write(f"  kept: DATABASE_URL={database_url(self.name)}\n")
        elif self.created:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.media_root, ignore_errors=True)


def table(small, large):
    """The report: one row a page, p50/p95 at each size, the p95 ratio, marked over MAX_RATIO."""
    (small_facts, small_results), (large_facts, large_results) = small, large
    small_head = f"{small_facts['stories']:,} stories"
    large_head = f"{large_facts['stories']:,} stories"
    lines = [
        f"gunicorn, {WORKERS} workers, PostgreSQL, Redis, page cache off; one request at a "
        "time, milliseconds",
        f"{'page':<28}{small_head:>20}{large_head:>20}{'p95 ratio':>11}",
        f"{'':<28}{'p50':>10}{'p95':>10}{'p50':>10}{'p95':>10}",
    ]
    worst = []
    for label, (l50, l95) in large_results.items():
        s50, s95 = small_results[label]
        ratio = l95 / s95
        mark = "  <-- over" if ratio > MAX_RATIO else ""
        if mark:
            worst.append(label)
        lines.append(
            f"{label:<28}{s50:>10.1f}{s95:>10.1f}{l50:>10.1f}{l95:>10.1f}{ratio:>10.2f}x{mark}"
        )
    lines.append(
        f"{len(worst)} page(s) over {MAX_RATIO}x" if worst else f"every page within {MAX_RATIO}x"
    )
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    static_root = tempfile.mkdtemp(prefix="newsroom-bench-static-")
    started = time.monotonic()
    sizes = []
    if args.only != "large":
        sizes.append(Size("small", args.small_stories, args.small_comments, static_root))
    if args.only != "small":
        sizes.append(Size("large", args.stories, args.comments, static_root))
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    try:
        for size in sizes:
            size.fill(admin)
        for size in sizes:
            size.serve()
        results = measure(sizes, args.requests, args.warmup)
    finally:
        for size in sizes:
            size.close(admin, keep=args.keep and size.label == "large")
        admin.close()
        shutil.rmtree(static_root, ignore_errors=True)
    print()
    for size in sizes:
        facts = size.facts
        print(
            f"{size.label}: {facts['stories']:,} stories, {facts['comments']:,} comments "
            f"({facts['pending_comments']:,} pending), filled in {facts['fill_seconds']}s; "
            f"section's last page {facts['section_last_page']}, story's last comments page "
            f"{facts['story_last_comment_page']}"
        )
    if len(sizes) == 2:
        print(table(*((size.facts, results[size.label]) for size in sizes)))
        per_address = [
            results[size.label][SITEMAP_PAGE][0] * 1000 / max(size.facts["sitemap_addresses"], 1)
            for size in sizes
        ]
        print(
            f"{SITEMAP_PAGE}: "
            + ", ".join(
                f"{size.facts['sitemap_addresses']:,} addresses ({cost:.0f} µs an address at p50)"
                for size, cost in zip(sizes, per_address, strict=True)
            )
        )
    else:
        print(f"{'page':<28}{'p50':>10}{'p95':>10}")
        for label, (p50, p95) in results[sizes[0].label].items():
            print(f"{label:<28}{p50:>10.1f}{p95:>10.1f}")
    print(f"total {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
