import os
import shutil
import threading

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection

# pytest-django's live server runs in a thread beside Playwright's sync API, which holds an
# event loop; Django would otherwise refuse ORM calls from that thread. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Browser tests wait for conditions, never for fixed times; the deadline is generous so a busy
# machine is only slow, never red. Playwright's `expect` would otherwise give up after 5 s.
BROWSER_TIMEOUT_MS = 30_000
# PLAYWRIGHT_SLOW_MO=500 delays every browser action by 500 ms: a slow machine, on demand.
SLOW_MO_MS = int(os.environ.get("PLAYWRIGHT_SLOW_MO", "0"))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads land in a per-test folder, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (on Redis too), so none sees another's counters,
    and with the page cache trusted again (a test may have cut it off)."""
    from articles.site import kept
    from newsroom import pagecache

    cache.clear()
    pagecache.local_copies.clear()
    kept.ADDRESSES.clear()
    pagecache._down_until = 0.0


class InFlight:
    """Requests the live server is answering right now. The test client answers in the main
    thread and is not counted (a streaming answer it never reads would never finish)."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self.changed:
            self.count += 1

    def finished(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self.changed:
            self.count = max(0, self.count - 1)
            self.changed.notify_all()

    def wait_until_idle(self, timeout):
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout)


in_flight = InFlight()
request_started.connect(in_flight.started, dispatch_uid="tests.in_flight.started")
request_finished.connect(in_flight.finished, dispatch_uid="tests.in_flight.finished")


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request):
    """A browser closed at the end of a test can leave a request (an autosave, a presence
    ping, a preview) still being answered by the live server; the database flush that ends a
    transactional test would then deadlock with it, and the next test would inherit this one's
    rows. Wait until the live server has answered everything before the flush runs (this
    fixture is torn down before pytest-django's database helper, which was set up first)."""
    yield
    if "live_server" not in request.fixturenames:
        return
    if not in_flight.wait_until_idle(timeout=BROWSER_TIMEOUT_MS / 1000):
        pytest.fail(f"the live server was still answering {in_flight.count} request(s)")


@pytest.fixture(autouse=True)
def _require_postgres(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        message = "needs PostgreSQL: set DATABASE_URL=postgres://..."
        if IN_CI:
            pytest.fail(f"{message} (CI=true: PostgreSQL tests may not skip)")
        pytest.skip(message)


@pytest.fixture
def shared_cache():
    """For tests of what the shared cache keeps (the page cache, fragments): it needs a cache
    every process sees, Redis as in production and CI."""
    from newsroom import pagecache

    if not pagecache.shared():
        message = "needs a shared cache: set REDIS_URL=redis://..."
        if IN_CI:
            pytest.fail(f"{message} (CI=true: these tests may not skip)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = (
            f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, slow_mo=SLOW_MO_MS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context; console errors are collected in `page.console_errors`."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)  # popups opened from the page too
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture(scope="session")
def stack(request):
    """The production stack of tests/stack.py (nginx, gunicorn, PostgreSQL, Redis, fault
    proxies), started once for the `stack` tests; a comment rate limit of 3 a minute."""
    from tests.stack import running_stack

    yield from running_stack(
        request, proxy_database=True, proxy_redis=True, env={"COMMENTS_RATE_LIMIT": "3"}
    )


class FakeClock:
    """The comments app's clock, standing still until a test moves it."""

    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """Stop the comments app's clock (the form's stamp, the remember-me cookie's age): a form is
    sent the instant it was drawn until the test moves the clock, however fast or slow the
    machine (or the browser) is."""
    from comments import forms, remember

    fake = FakeClock()
    monkeypatch.setattr(forms, "clock", fake)
    monkeypatch.setattr(remember, "clock", fake)
    return fake
