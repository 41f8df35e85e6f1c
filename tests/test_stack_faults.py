"""Faults of a real component, on the stack: PostgreSQL or Redis cut under running servers.

The session's `stack` fixture (tests/conftest.py) is shared with tests/test_stack.py; every
test here posts from a loopback address of its own, so the rate limit never stops it.

The fault proxies of tests/stack.py sit between gunicorn and PostgreSQL and between gunicorn
and Redis; `down()` closes the live connections and refuses new ones, as a stopped server
does. Nothing restarts the app servers: recovery has to happen by itself.
"""

import secrets

import pytest

from tests import stack as harness

pytestmark = pytest.mark.stack


@pytest.fixture
def database_down(stack):
    stack.database_proxy.down()
    try:
        yield
    finally:
        stack.database_proxy.up()


@pytest.fixture
def redis_down(stack):
    stack.redis_proxy.down()
    try:
        yield
    finally:
        stack.redis_proxy.up()


def unique_body(what):
    return f"{what}: the new bridge needs a cycle lane ({secrets.token_hex(4)})."


def stored(stack, body):
    return stack.query("SELECT count(*) FROM comments_comment WHERE body = %s", (body,))[0][0]


def story_url(stack):
    return stack.url(stack.facts["story_path"])


def from_the_app(stack, path):
    """`path` at an address of its own (a query string nobody sent before, which the page
    cache keys on): neither nginx's micro-cache nor the app's page cache holds a copy to answer
    with, so the answer is drawn by the app, as it is now."""
    return stack.url(f"{path}?comments_page={10**9 + secrets.randbelow(10**9)}")


def warm_up(stack):
    """Both workers hold a live database connection (through the proxy) before a cut."""
    reader = harness.browser()
    for _ in range(4):
        assert reader.get(from_the_app(stack, stack.facts["story_path"])).status_code == 200
    assert stack.database_proxy.accepted >= 1


def test_database_outage_healthz_says_so_and_the_servers_recover_without_restart(stack):
    warm_up(stack)
    servers = stack.pids("gunicorn")
    reader = harness.browser()
    stack.database_proxy.down()
    try:
        health = reader.get(stack.url("/healthz"))
        assert health.status_code == 503
        assert health.json()["database"] != "ok"
        # A reader during the outage (its answer: the tests below and test_stack_microcache).
        reader.get(from_the_app(stack, stack.facts["story_path"]))
    finally:
        stack.database_proxy.up()
    # The first requests after the database is back are served: no restart, no retry loop.
    for _ in range(4):
        assert reader.get(from_the_app(stack, stack.facts["story_path"])).status_code == 200
    assert reader.get(stack.url("/healthz")).status_code == 200
    assert stack.pids("gunicorn") == servers


def test_reader_pages_answer_503_with_retry_after_while_the_database_is_down(stack, database_down):
    """Pages nginx holds no copy of (a copy it holds is served stale: test_stack_microcache)."""
    reader = harness.browser()
    for path in ("/", stack.facts["story_path"]):
        answer = reader.get(from_the_app(stack, path))
        assert answer.status_code == 503, (path, answer.status_code)
        assert answer.headers.get("Retry-After", "").isdigit()
        # The site's own page, styled, rendered without the database.
        assert "The Newsroom" in answer.text
        assert 'rel="stylesheet"' in answer.text


def test_pages_kept_before_the_outage_are_still_read_during_it(stack):
    """The page cache (Redis) answers without the database: readers keep reading."""
    reader = harness.browser()
    paths = ("/", stack.facts["story_path"])
    for path in paths:
        assert reader.get(stack.url(path)).status_code == 200
    stack.database_proxy.down()
    try:
        for path in paths:
            answer = reader.get(stack.url(path))
            assert answer.status_code == 200, (path, answer.status_code)
            copy = answer.headers.get("X-Cache-Status") in ("HIT", "STALE") or (
                answer.headers.get("X-Page-Cache") in ("hit", "stale")
            )
            assert copy, (path, dict(answer.headers))
            assert 'name="token"' in answer.text or path == "/"
    finally:
        stack.database_proxy.up()


def test_comment_posted_while_the_database_is_down_is_given_back_to_resend(stack):
    reader = harness.browser(source="127.0.0.11")
    loaded = harness.comment_fields(reader, stack)  # the reader opened the story earlier
    body = unique_body("Posted during a database outage")
    stack.database_proxy.down()
    try:
        answer = harness.post_comment(reader, stack, body, loaded=loaded)
    finally:
        stack.database_proxy.up()
    assert answer.status_code == 503
    assert answer.headers.get("Retry-After", "").isdigit()
    given_back = harness.form(answer.text, id="comment-form")
    assert given_back["fields"]["body"].strip() == body
    # One click resends it, now that the database is back.
    resent = reader.post(
        stack.url(given_back["action"]),
        data=given_back["fields"],
        headers={"Origin": stack.origin, "Referer": story_url(stack)},
        allow_redirects=False,
    )
    assert resent.status_code == 302
    assert stored(stack, body) == 1


def test_comment_posted_while_redis_is_down_is_stored_or_given_back(stack, redis_down):
    reader = harness.browser(source="127.0.0.12")
    body = unique_body("Posted during a Redis outage")
    answer = harness.post_comment(reader, stack, body)
    assert answer.status_code != 500
    if answer.status_code == 302:
        assert stored(stack, body) == 1
    else:
        assert harness.form(answer.text, id="comment-form")["fields"]["body"].strip() == body


def test_healthz_reports_the_cache_and_still_serves_while_redis_is_down(stack, redis_down):
    health = harness.browser().get(stack.url("/healthz"))
    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    assert health.json()["cache"] != "ok"


def test_comments_are_taken_again_when_redis_comes_back_without_restart(stack):
    reader = harness.browser(source="127.0.0.13")
    before = unique_body("Before a Redis outage")
    assert harness.post_comment(reader, stack, before).status_code == 302
    assert stack.redis_proxy.accepted >= 1  # the rate limit counted in Redis, through the proxy
    servers = stack.pids("gunicorn")
    stack.redis_proxy.down()
    stack.redis_proxy.up()
    # The workers' pooled Redis connections were cut: the next post reconnects by itself.
    after = unique_body("After a Redis outage")
    answer = harness.post_comment(reader, stack, after)
    assert answer.status_code == 302, answer.text[:2000]
    assert stored(stack, before) == stored(stack, after) == 1
    assert stack.pids("gunicorn") == servers
