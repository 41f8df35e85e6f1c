"""nginx's micro-cache in front of the app (deploy/nginx.conf), on the production stack.

What nginx does, whatever the app caches itself: it shares what the app marks public, for the
app's `s-maxage` (SHARED_CACHE_MAX_AGE, 1 s), one copy per Vary variant; it never stores what
is private or what a reader with a session, a remembered name or a flash message asks for; one
request renders a page many ask for at once; and it serves the last good copy while gunicorn or
the database is down. `X-Cache-Status` says what nginx did.

The `stack` fixture is the session's (tests/conftest.py). Each test reads its pages at an
address of its own (a query string nobody else sends), so it starts from an empty cache.
"""

import contextlib
import json
import re
import secrets
import signal
import threading
import time

import pytest

from tests import stack as harness

pytestmark = pytest.mark.stack

# How long a change may take to show through nginx here: SHARED_CACHE_MAX_AGE is 1 s, which
# nginx counts in whole seconds (a copy is fresh 1 to 2 s), plus a render on a busy machine.
FRESH_WITHIN = 5
STALE_WITHIN = 5


def address(stack, path):
    """`path` at an address nothing has asked for yet: a key neither the micro-cache nor the
    app's page cache holds (the page cache keys on comments_page)."""
    return stack.url(f"{path}?comments_page={10**9 + secrets.randbelow(10**9)}")


def cache_key(url):
    """The micro-cache's key for `url` (proxy_cache_key: scheme://host:port/path?query)."""
    return url


def stored(stack):
    """What the micro-cache holds on disk: {key: the stored response's head} for every file."""
    found = {}
    for path in stack.nginx_cache.rglob("*"):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            data = path.read_bytes()
            start = data.find(b"\nKEY: ")
            if start < 0:
                continue  # a file nginx is still writing
            start += len(b"\nKEY: ")
            end = data.index(b"\n", start)
            head_end = data.find(b"\r\n\r\n", end)
            found[data[start:end].decode()] = data[end:head_end].decode("latin-1")
    return found


def statuses(session, url, times=2, **kwargs):
    return [session.get(url, **kwargs).headers.get("X-Cache-Status") for _ in range(times)]


@pytest.fixture(scope="module")
def story_path(stack):
    return stack.facts["story_path"]


def test_an_anonymous_story_page_is_served_from_the_micro_cache(stack, story_path):
    url = address(stack, story_path)
    reader = harness.browser()
    first, second = reader.get(url), reader.get(url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.text == first.text
    assert stack.facts["headline"] in second.text
    # The app's promise to shared caches: a second; browsers keep it a minute.
    assert first.headers["Cache-Control"] == "public, max-age=60, s-maxage=1"
    # Every answer names its own request, not the one that rendered the stored copy.
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert harness.wait_for(lambda: cache_key(url) in stored(stack), 10, "the stored copy", stack)
    # HEAD is answered from the same copy.
    assert reader.head(url).headers["X-Cache-Status"] == "HIT"


def test_a_copy_is_fresh_for_the_apps_s_maxage_not_the_browsers_max_age(stack, story_path):
    """Debian's nginx 1.22 (and compose's 1.27) take `s-maxage` over `max-age`: the copy
    stops being fresh within a second or two, although browsers may keep the page a minute."""
    url = address(stack, story_path)
    reader = harness.browser()
    assert statuses(reader, url) == ["MISS", "HIT"]
    started = time.monotonic()
    answer = harness.wait_for(
        lambda: (answer := reader.get(url)).headers["X-Cache-Status"] != "HIT" and answer,
        FRESH_WITHIN,
        "the copy to expire",
        stack,
    )
    # Renewed with a conditional request (the app's 304), or rendered again.
    assert answer.headers["X-Cache-Status"] in {"REVALIDATED", "EXPIRED"}
    assert answer.status_code == 200
    assert stack.facts["headline"] in answer.text
    print(f"copy fresh for {time.monotonic() - started:.2f}s after its first HIT")


def test_each_vary_variant_is_a_copy_of_its_own(stack, story_path):
    """Vary: Cookie, Accept-Encoding. A reader whose client cannot unzip never gets the
    compressed copy, and a cookie we do not know of gets a copy of its own."""
    url = address(stack, story_path)
    reader = harness.browser()
    assert statuses(reader, url, headers={"Accept-Encoding": "gzip"}) == ["MISS", "HIT"]
    plain = reader.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.headers["X-Cache-Status"] == "MISS"
    assert "Content-Encoding" not in plain.headers
    again = reader.get(url, headers={"Accept-Encoding": "identity"})
    assert again.headers["X-Cache-Status"] == "HIT"
    assert "Content-Encoding" not in again.headers
    assert stack.facts["headline"] in again.text
    other = harness.browser()
    other.cookies.set("theme", "dark")
    assert statuses(other, url, headers={"Accept-Encoding": "gzip"}) == ["MISS", "HIT"]


@pytest.mark.parametrize("cookie", ["sessionid", "comment_author", "messages"])
def test_a_request_with_a_personal_cookie_is_never_served_from_or_stored_in_the_cache(
    stack, story_path, cookie
):
    url = address(stack, story_path)
    reader = harness.browser()
    reader.cookies.set(cookie, "not-one-the-app-knows")
    answers = [reader.get(url) for _ in range(2)]
    for answer in answers:
        assert answer.status_code == 200
        assert answer.headers["X-Cache-Status"] == "BYPASS"
    # The app recognises nobody and says "public": only nginx's rule keeps the page out.
    assert "public" in answers[-1].headers["Cache-Control"]
    assert cache_key(url) not in stored(stack)
    # Without the cookie the same address is cached as usual.
    assert statuses(harness.browser(), url) == ["MISS", "HIT"]


def test_a_signed_in_editor_never_gets_the_shared_copy(stack, story_path):
    url = address(stack, story_path)
    assert statuses(harness.browser(), url) == ["MISS", "HIT"]
    editor = harness.browser()
    harness.login(editor, stack.base, *harness.EDITOR)
    own = editor.get(url)
    assert own.status_code == 200
    assert own.headers["X-Cache-Status"] == "BYPASS"
    assert "private" in own.headers["Cache-Control"]
    assert stack.facts["headline"] in own.text


def test_private_and_never_cache_answers_are_never_stored(stack):
    # The admin's login page: never even looked up (no X-Cache-Status), never stored.
    login = address(stack, "/admin/login/")
    reader = harness.browser()
    for answer in (reader.get(login), reader.get(login)):
        assert answer.status_code == 200
        assert "no-store" in answer.headers["Cache-Control"]
        assert "X-Cache-Status" not in answer.headers
    # Where reader pages are cached: a "not found" and the preview's way to the login, both
    # private in the app's words, go to the app every time.
    paths = ("/no-such-page/", f"/preview/{stack.facts['story_id']}/")
    urls = [address(stack, path) for path in paths]
    for url in urls:
        answers = [reader.get(url, allow_redirects=False) for _ in range(2)]
        assert {answer.status_code for answer in answers} <= {302, 404}
        assert [answer.headers["X-Cache-Status"] for answer in answers] == ["MISS", "MISS"]
        assert "private" in answers[-1].headers["Cache-Control"]
    held = stored(stack)
    assert not {cache_key(url) for url in (login, *urls)} & set(held)
    assert held  # the earlier tests' pages are there: the check above could fail
    for key, head in held.items():
        lowered = head.lower()
        assert "set-cookie:" not in lowered, key
        assert "private" not in lowered and "no-store" not in lowered, key


def test_healthz_and_static_files_are_never_served_from_the_cache(stack):
    reader = harness.browser()
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', reader.get(stack.url("/")).text)
    for path in ("/healthz", stylesheet.group(1)):
        answer = reader.get(stack.url(path))
        assert answer.status_code == 200, path
        assert "X-Cache-Status" not in answer.headers, path


def test_one_request_renders_a_page_that_many_ask_for_at_once(stack, story_path):
    """proxy_cache_lock: 40 readers open a page nobody has asked for; the app renders it once
    (gunicorn's access log names the address once), the others wait for that copy."""
    readers = 40
    url = address(stack, story_path)
    path = url.removeprefix(stack.base)
    start = threading.Barrier(readers)
    answers = [None] * readers

    def read(i):
        session = harness.browser()
        start.wait(timeout=60)
        answers[i] = session.get(url, timeout=60)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [answer.status_code for answer in answers] == [200] * readers
    assert len({answer.text for answer in answers}) == 1
    assert sorted(answer.headers["X-Cache-Status"] for answer in answers).count("MISS") == 1
    log = stack.tmp / "gunicorn.log"
    rendered = harness.wait_for(
        lambda: log.read_text().count(f"GET {path} "), 10, "gunicorn's access log line", stack
    )
    assert rendered == 1


@contextlib.contextmanager
def app_stopped(stack):
    gunicorn = stack.processes["gunicorn"]
    gunicorn.send_signal(signal.SIGTERM)
    gunicorn.wait(timeout=60)
    try:
        assert not stack.healthy(stack.app_port)
        yield
    finally:
        stack.restart_app()  # the tests after this one need it


@contextlib.contextmanager
def database_cut(stack):
    stack.database_proxy.down()
    try:
        yield
    finally:
        stack.database_proxy.up()


def served_stale(stack, reader, url):
    """Wait until nginx answers `url` from its expired copy; every answer meanwhile is the
    page (fresh copies first, then the stale one)."""

    def stale():
        answer = reader.get(url)
        assert answer.status_code == 200, answer.status_code
        assert stack.facts["headline"] in answer.text
        return answer.headers["X-Cache-Status"] == "STALE" and answer

    return harness.wait_for(stale, STALE_WITHIN, "the stale copy", stack)


def test_with_the_app_stopped_readers_get_the_last_copy_and_new_pages_a_clear_answer(
    stack, story_path
):
    reader = harness.browser()
    cached = address(stack, story_path)
    assert reader.get(cached).status_code == 200
    with app_stopped(stack):
        answer = served_stale(stack, reader, cached)
        assert harness.form(answer.text, id="comment-form")
        never = reader.get(address(stack, story_path))
        assert never.status_code == 502
        assert never.headers["Content-Type"].startswith("text/html")
        assert never.headers["Retry-After"] == "30"
        assert "Back in a moment" in never.text  # ours, not nginx's own "502 Bad Gateway"
        # The health check says how the app is now, never what it was.
        assert reader.get(stack.url("/healthz")).status_code == 502
    assert reader.get(stack.url("/healthz")).status_code == 200


def test_with_the_database_cut_readers_get_the_apps_kept_copy_and_new_pages_its_503(
    stack, story_path
):
    reader = harness.browser()
    cached = address(stack, story_path)
    assert reader.get(cached).status_code == 200
    with database_cut(stack):
        # nginx's copy expires within a second; then nginx asks the app, which answers from
        # its page cache without the database: a 304 (REVALIDATED) or the page (EXPIRED).
        def from_a_copy():
            answer = reader.get(cached)
            assert answer.status_code == 200, answer.status_code
            assert stack.facts["headline"] in answer.text
            return answer.headers["X-Cache-Status"] in ("REVALIDATED", "EXPIRED") and answer

        harness.wait_for(from_a_copy, STALE_WITHIN, "the app's kept copy", stack)
        never = reader.get(address(stack, story_path))
        assert never.status_code == 503
        assert never.headers["X-Cache-Status"] == "MISS"
        assert never.headers.get("Retry-After", "").isdigit()
        assert "The Newsroom" in never.text  # the site's own page, rendered by the app
        assert reader.get(stack.url("/healthz")).status_code == 503
    assert reader.get(stack.url("/healthz")).status_code == 200


# An editor's changes, through the admin as an editor makes them, on a story of this module's
# own (the other stack tests keep theirs as the seed left it).
OWN_STORY = """
import json
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Section
story = Article.objects.create(
    headline="Ferry returns to the harbour",
    slug="ferry-returns-to-the-harbour",
    standfirst="The old crossing runs again from Monday.",
    body="<p>The ferry sailed at nine.</p>",
    section=Section.objects.get(slug="city"),
    status=Article.Status.PUBLISHED,
    publish_at=timezone.now() - timedelta(hours=2),
    comments_enabled=True,
)
print(json.dumps({"id": story.pk, "path": story.get_absolute_url()}))
"""


@pytest.fixture(scope="module")
def own_story(stack):
    output = stack.manage("shell", "-c", OWN_STORY).stdout
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def editor(stack):
    session = harness.browser()
    harness.login(session, stack.base, *harness.EDITOR)
    return session


def edit(stack, editor, story_id, **changes):
    change = stack.url(f"/admin/articles/article/{story_id}/change/")
    page = editor.get(change)
    page.raise_for_status()
    fields = harness.form(page.text, id="article_form")["fields"] | changes | {"_save": "Save"}
    saved = editor.post(
        change,
        data=fields,
        headers={"Origin": stack.origin, "Referer": change},
        allow_redirects=False,
    )
    assert saved.status_code == 302, saved.text[:3000]
    return time.monotonic()


def test_an_editors_change_shows_through_nginx_within_about_a_second(stack, own_story, editor):
    url = stack.url(own_story["path"])
    reader = harness.browser()
    assert statuses(reader, url) == ["MISS", "HIT"]
    standfirst = "The old crossing runs again from Monday, twice an hour."
    saved_at = edit(stack, editor, own_story["id"], standfirst=standfirst)
    harness.wait_for(lambda: standfirst in reader.get(url).text, FRESH_WITHIN, "the change", stack)
    print(f"an edit shown through nginx {time.monotonic() - saved_at:.2f}s after the save")


def test_a_story_taken_down_is_gone_through_nginx_within_about_a_second(stack, own_story, editor):
    """The app's 404 is never stored, and nginx does not keep handing out its old copy (as
    it would with proxy_cache_background_update, whose renewal brings nothing storable)."""
    url = stack.url(own_story["path"])
    reader = harness.browser()
    assert reader.get(url).status_code == 200
    assert reader.get(url).headers["X-Cache-Status"] == "HIT"
    saved_at = edit(stack, editor, own_story["id"], status="draft")
    harness.wait_for(
        lambda: reader.get(url).status_code == 404, FRESH_WITHIN, "the story gone", stack
    )
    print(f"a story taken down gone through nginx {time.monotonic() - saved_at:.2f}s later")
    assert [reader.get(url).status_code for _ in range(3)] == [404] * 3
