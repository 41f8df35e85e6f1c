#!/usr/bin/env python3
"""Benchmark the story page against a trivial Django view, under gunicorn on PostgreSQL.

What it does, in one run (about a minute):
  1. creates a throwaway PostgreSQL database (dropped at the end, whatever happens),
  2. migrates it, collects static files, fills it with a small paper (scripts/bench_seed.py)
     and records the story page's query count and size,
  3. serves the site with gunicorn, 2 workers, production settings (DEBUG off), on 127.0.0.1,
  4. loads the story page and /bench/trivial/ (a view that does nothing) with wrk, asking for
     gzip as browsers do (GZipMiddleware compresses the story page),
  5. prints a table.

Environment: BENCH_ADMIN_URL (default postgres://postgres@127.0.0.1/postgres) for creating
the database, BENCH_SECONDS (default 10) per measurement, BENCH_CONNECTIONS (default 16).
Not a test: `make bench` runs it. Needs wrk (`apt-get install wrk`).
"""

import gzip
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
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1/postgres")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = 2
GZIP = ["-H", "Accept-Encoding: gzip"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name):
    parts = urlsplit(ADMIN_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def run(args, env):
    subprocess.run(args, cwd=ROOT, env=env, check=True)


def wait_until_up(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout}s")


def wrk(url):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *GZIP, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 30,
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    # Lines of the latency distribution only: a thread-stats column can also end in "99%".
    p50 = re.search(r"^\s*50%\s+(\S+)", result.stdout, re.MULTILINE).group(1)
    p99 = re.search(r"^\s*99%\s+(\S+)", result.stdout, re.MULTILINE).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def static_bytes(base, html):
    """Compressed bytes of the CSS and JS the page links, as WhiteNoise serves them."""
    total = 0
    for path in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        request = urllib.request.Request(base + path.decode(), headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            total += len(response.read())
    return total


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    name = f"newsroom_bench_{os.getpid()}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    static_root = tempfile.mkdtemp(prefix="newsroom-bench-static-")
    media_root = tempfile.mkdtemp(prefix="newsroom-bench-media-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(name),
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
    }
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
        seeded = subprocess.run(
            [PYTHON, "scripts/bench_seed.py"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        facts = json.loads(seeded.stdout.strip().splitlines()[-1])
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
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        story = base + facts["story_url"]
        trivial = base + "/bench/trivial/"
        wait_until_up(trivial)
        request = urllib.request.Request(story, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            sent = response.read()
            encoding = response.headers.get("Content-Encoding")
        html = gzip.decompress(sent) if encoding == "gzip" else sent
        css_js = static_bytes(base, html)
        for url in (story, trivial):  # warm both workers' connections and caches
            wrk_warm = ["wrk", "-t1", "-c4", "-d2s", *GZIP, url]
            subprocess.run(wrk_warm, capture_output=True, check=True, timeout=30)
        rows = [("story page", *wrk(story)), ("trivial view", *wrk(trivial))]
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)

    html_sent = len(sent)
    print(
        f"\ngunicorn, {WORKERS} workers, PostgreSQL, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, 127.0.0.1"
    )
    print(f"{'page':<14}{'req/s':>10}{'p50':>10}{'p99':>10}{'errors':>8}")
    for label, rps, p50, p99, errors in rows:
        print(f"{label:<14}{rps:>10.1f}{p50:>10}{p99:>10}{errors:>8}")
    story_rps, trivial_rps = rows[0][1], rows[1][1]
    print(f"story / trivial: {story_rps / trivial_rps:.0%}")
    print(
        f"story page ({facts['story_comments']} comments): {facts['story_queries']} SQL queries; "
        f"HTML {len(html)} B, sent {html_sent} B ({encoding or 'uncompressed'}) + CSS/JS "
        f"{css_js} B compressed = {html_sent + css_js} B ({(html_sent + css_js) / 1024:.1f} KB)"
        " transferred, images excluded"
    )


if __name__ == "__main__":
    main()
