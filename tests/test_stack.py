"""The stack test: the app as production runs it, driven over HTTP through nginx only.

gunicorn (2 workers, production settings) behind Debian's nginx with deploy/nginx.conf, on
PostgreSQL and Redis: the session's `stack` fixture (tests/conftest.py, tests/stack.py)
starts them once and stops them by PID. The tests run in order: a comment is posted,
approved, seen by another reader, then reported. The job worker runs beside gunicorn, as
compose runs it, and mails moderators through a local SMTP sink (`stack.mail`).
"""

import io
import re
import secrets
import signal
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from tests import stack as harness

pytestmark = pytest.mark.stack

# Each client below comes from a loopback address of its own, so the rate limit (3 a minute
# on the stack) counts each apart; nginx passes the address it saw in X-Forwarded-For.
WRITER, RATE_LIMITED, MAILED, UNATTENDED = "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"
MAIL_TIMEOUT = 90


@pytest.fixture(scope="module")
def story(stack):
    return stack.url(stack.facts["story_path"])


def test_home_and_story_page_through_nginx(stack, story):
    reader = harness.browser()
    home = reader.get(stack.url("/"), headers={"X-Request-ID": "chosen-by-the-client"})
    assert home.status_code == 200
    assert stack.facts["headline"] in home.text
    # nginx gives every request its own id (proxy_set_header), whatever the client sent.
    assert re.fullmatch(r"[0-9a-f]{32}", home.headers["X-Request-ID"])

    page = reader.get(story)
    assert page.status_code == 200
    assert stack.facts["headline"] in page.text
    assert harness.form(page.text, id="comment-form")
    # Static files were collected by the entrypoint and WhiteNoise serves them fingerprinted.
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)
    css = reader.get(stack.url(stylesheet))
    assert css.status_code == 200
    assert "max-age=31536000" in css.headers["Cache-Control"]


def test_comment_posted_approved_through_the_admin_and_seen_by_another_reader(stack, story):
    body = "The bridge is a fine piece of engineering, and the stack test says so."
    writer = harness.browser(source=WRITER)
    # A client-chosen X-Forwarded-For is only the left part of what nginx passes on.
    posted = harness.post_comment(
        writer, stack, body, headers={"X-Forwarded-For": "198.51.100.23"}
    )
    assert posted.status_code == 302, posted.text[:2000]
    assert posted.headers["Location"].endswith("#comments")
    [(pk, status, ip_address)] = stack.query(
        "SELECT id, status, ip_address FROM comments_comment WHERE body = %s", (body,)
    )
    assert (status, str(ip_address)) == ("pending", WRITER)
    assert body not in harness.browser().get(story).text

    moderator = harness.browser()
    harness.login(moderator, stack.base, *harness.MODERATOR)
    queue = moderator.get(stack.url("/admin/comments/comment/queue/"))
    assert queue.status_code == 200
    assert body in queue.text
    token = moderator.cookies["csrftoken"]
    approved = moderator.post(
        stack.url(f"/admin/comments/comment/{pk}/moderate/approve/"),
        data={"csrfmiddlewaretoken": token},
        headers={"Origin": stack.origin, "Referer": queue.url},
        allow_redirects=False,
    )
    assert approved.status_code == 302, approved.text[:2000]
    assert stack.query("SELECT status FROM comments_comment WHERE id = %s", (pk,)) == [
        ("approved",)
    ]

    # Shown to everyone as soon as the copies in front of the app (nginx keeps a page about
    # a second, SHARED_CACHE_MAX_AGE) have expired.
    other_reader = harness.browser()
    page = harness.wait_for(
        lambda: (
            (page := other_reader.get(story)).status_code == 200 and body in page.text and page
        ),
        10,
        "the approved comment on the story page",
        stack,
    )
    assert f'id="c{pk}"' in page.text


def test_report_of_the_comment(stack, story):
    [(pk,)] = stack.query(
        "SELECT id FROM comments_comment WHERE status = 'approved' AND ip_address = %s", (WRITER,)
    )
    reader = harness.browser()
    page = reader.get(story)
    action = f"/comments/report/{pk}/"
    harness.form(page.text, action=action)
    reported = reader.post(
        stack.url(action),
        headers={"Origin": stack.origin, "Referer": story},
        allow_redirects=False,
    )
    assert reported.status_code == 302
    assert reported.headers["Location"].endswith(f"#c{pk}")
    assert stack.query(
        "SELECT count(*) FROM comments_commentreport WHERE comment_id = %s", (pk,)
    ) == [(1,)]


def test_rate_limit_counts_the_address_nginx_saw(stack):
    """Every post claims another X-Forwarded-For; the limit holds for the address nginx saw."""
    limit = int(stack.env["COMMENTS_RATE_LIMIT"])
    reader = harness.browser(source=RATE_LIMITED)
    answers = []
    for n in range(limit + 1):
        body = f"Rate limit probe number {n}: the town needed this bridge."
        answer = harness.post_comment(
            reader, stack, body, headers={"X-Forwarded-For": f"192.0.2.{n + 1}"}
        )
        answers.append(answer.status_code)
        if answer.status_code == 429:
            break
    assert answers[-1] == 429, answers
    assert answers[:-1] == [302] * limit
    # The reader's words come back in the form, to send again in a minute.
    assert body in answer.text
    assert harness.form(answer.text, id="comment-form")["fields"]["body"].strip() == body


def test_feed_and_sitemap_use_the_public_address(stack, story):
    reader = harness.browser()
    feed = reader.get(stack.url("/feed/"))
    assert feed.status_code == 200
    assert feed.headers["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(feed.content).findall("./channel/item")  # noqa: S314 - our own output
    assert [item.findtext("link") for item in items] == [story]

    sitemap = reader.get(stack.url("/sitemap.xml"))
    assert sitemap.status_code == 200
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(sitemap.content)  # noqa: S314 - our own server's output
    locations = [loc.text for loc in root.findall(".//sm:loc", ns)]
    assert locations
    assert all(loc.startswith(stack.base + "/") for loc in locations), locations


def test_image_uploaded_by_an_editor_is_served_by_nginx_from_media(stack):
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (640, 400), (30, 110, 160)).save(picture, "JPEG", quality=90)
    editor = harness.browser()
    harness.login(editor, stack.base, *harness.EDITOR)
    add = stack.url("/admin/articles/image/add/")
    page = editor.get(add)
    assert page.status_code == 200
    fields = harness.form(page.text, id="image_form")["fields"]
    fields.update(alt_text="The new bridge at dawn", caption="Opening day.", credit="Stack")
    uploaded = editor.post(
        add,
        data=fields,
        files={"file": ("bridge.jpg", picture.getvalue(), "image/jpeg")},
        headers={"Origin": stack.origin, "Referer": add},
        allow_redirects=False,
    )
    assert uploaded.status_code == 302, uploaded.text[:3000]
    [(name,)] = stack.query("SELECT file FROM articles_image WHERE caption = 'Opening day.'")

    served = harness.browser().get(stack.url(f"/media/{name}"))
    assert served.status_code == 200
    assert served.headers["Content-Type"].startswith("image/")
    assert served.content == (stack.media_root / name).read_bytes()
    # From nginx's media location, not from the app: its headers, and no request id.
    assert served.headers["Cache-Control"] == "max-age=2592000, public"  # expires 30d; public
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Request-ID" not in served.headers


def test_healthz_through_nginx(stack):
    answer = harness.browser().get(stack.url("/healthz"))
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_login_through_nginx_on_a_non_default_port_keeps_the_port_in_host(stack):
    """The admin answers on a name that is allowed but whose origin is not in
    CSRF_TRUSTED_ORIGINS: Django's CSRF check then passes only if the Host that nginx sends
    carries the port the browser used (`$http_host`, not `$host`)."""
    base = f"http://localhost:{stack.port}"
    assert base not in stack.env["CSRF_TRUSTED_ORIGINS"].split(",")
    harness.login(harness.browser(), base, *harness.MODERATOR)


def test_double_posts_across_both_app_workers_store_each_comment_once(stack):
    """20 readers each send their form twice at once (a double click, a retry): 40 POSTs
    through nginx, spread over gunicorn's two workers, each its own database connection."""
    pairs = 20
    run = secrets.token_hex(3)
    senders = []
    for n in range(pairs):
        source = f"127.0.1.{n + 1}"  # a reader of its own, so the rate limit never interferes
        loaded = harness.comment_fields(harness.browser(source=source), stack)
        senders += [(n, source, loaded)] * 2
    start = threading.Barrier(len(senders))
    answers = [None] * len(senders)

    def send(i):
        n, source, loaded = senders[i]
        session = harness.browser(source=source)  # a connection of its own, as a retry has
        start.wait(timeout=120)
        answers[i] = harness.post_comment(
            session,
            stack,
            f"Double post {run} number {n}: the bridge needs a cycle lane.",
            email=f"double-{run}-{n}@example.org",
            loaded=loaded,
        )

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(senders))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert [answer.status_code for answer in answers] == [302] * len(senders)
    for first, second in zip(answers[::2], answers[1::2], strict=True):
        assert first.headers["Location"] == second.headers["Location"]
    stored = stack.query(
        "SELECT c.body, count(DISTINCT c.id), count(e.id) FROM comments_comment c "
        "LEFT JOIN comments_moderationevent e ON e.comment_id = c.id "
        "WHERE c.body LIKE %s GROUP BY c.body",
        (f"Double post {run} %",),
    )
    assert len(stored) == pairs
    assert {(comments, events) for _, comments, events in stored} == {(1, 1)}


def moderator_mail(stack, name, body):
    """Wait for the worker's mail naming the comment; return it."""
    [message] = harness.wait_for(
        lambda: stack.mail.received(f"- {name} on"), MAIL_TIMEOUT, "the moderator mail", stack
    )
    text = message.get_body().get_content()
    assert message["To"] == "moderators@newsroom.test"
    assert "waiting for moderation" in message["Subject"]
    assert f'- {name} on "{stack.facts["headline"]}"' in text
    assert body in text
    assert f"{stack.base}/admin/comments/comment/queue/" in text
    return message


def test_the_worker_mails_moderators_about_a_posted_comment(stack):
    name = f"Mailed Reader {secrets.token_hex(3)}"
    body = "The worker should tell the moderators about me."
    posted_at = time.monotonic()
    posted = harness.post_comment(harness.browser(source=MAILED), stack, body, name=name)
    assert posted.status_code == 302, posted.text[:2000]
    moderator_mail(stack, name, body)
    print(f"post to moderator mail: {time.monotonic() - posted_at:.2f}s")
    # Announced once: the row says so, and no second mail names it.
    [(notified,)] = stack.query(
        "SELECT moderators_notified_at FROM comments_comment WHERE name = %s", (name,)
    )
    assert notified is not None


def test_a_comment_posted_while_the_worker_is_down_waits_for_it(stack):
    """Worker down: readers notice nothing; the job waits in the database until it is back."""
    worker = stack.processes["worker"]
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    name = f"Unattended Reader {secrets.token_hex(3)}"
    body = "Posted while nobody was minding the queue."
    try:
        posted = harness.post_comment(harness.browser(source=UNATTENDED), stack, body, name=name)
        assert posted.status_code == 302, posted.text[:2000]
        [(status, notified)] = stack.query(
            "SELECT status, moderators_notified_at FROM comments_comment WHERE name = %s",
            (name,),
        )
        assert (status, notified) == ("pending", None)
        [(waiting,)] = stack.query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
        )
        assert waiting >= 1
        assert harness.browser().get(stack.url("/healthz")).status_code == 200
    finally:
        stack.restart_worker()
    moderator_mail(stack, name, body)


def test_the_mail_still_goes_when_gunicorn_is_stopped_right_after_the_post(stack):
    """The job is a row written with the comment: a deploy's SIGTERM cannot drop it."""
    name = f"Deploy Reader {secrets.token_hex(3)}"
    body = "Posted a moment before the deploy."
    posted_at = time.monotonic()
    posted = harness.post_comment(harness.browser(source=MAILED), stack, body, name=name)
    assert posted.status_code == 302, posted.text[:2000]
    gunicorn = stack.processes["gunicorn"]
    gunicorn.send_signal(signal.SIGTERM)
    gunicorn.wait(timeout=60)
    try:
        assert not stack.healthy(stack.app_port)
        moderator_mail(stack, name, body)
        print(f"post to moderator mail, gunicorn stopped: {time.monotonic() - posted_at:.2f}s")
    finally:
        stack.restart_app()  # the tests after this one (and test_stack_faults) need it
    assert harness.browser().get(stack.url("/healthz")).status_code == 200
