import os
import shutil

import pytest
from django.core.cache import cache
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


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads land in a per-test folder, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (on Redis too), so none sees another's counters."""
    cache.clear()


@pytest.fixture(autouse=True)
def _require_postgres(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        message = "needs PostgreSQL: set DATABASE_URL=postgres://..."
        if IN_CI:
            pytest.fail(f"{message} (CI=true: PostgreSQL tests may not skip)")
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context; console errors are collected in `page.console_errors`."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.set_default_timeout(10_000)
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
