"""A dependency fails: readers get a clear answer, and nothing a reader wrote is lost.

Outages here are real failures: the cache is a Redis client pointed at a closed port, the
database refuses every query (Django's execute_wrapper), or is a connection to a closed port.
"""

import html
import logging
import threading
from html.parser import HTMLParser

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client, override_settings
from django.urls import reverse

from comments import ratelimit
from comments.models import Comment, ModerationEvent, RateLimitCounter
from newsroom.middleware import RETRY_AFTER_SECONDS, is_outage
from tests.comment_helpers import BROWSER_UA, SAME_ORIGIN, _fresh_cache, form_data  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "newsroom.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: ConnectionError
    }
}


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def redis_down(_fresh_cache, settings):  # noqa: F811
    # Restored before _fresh_cache clears the (working) cache at teardown.
    with override_settings(CACHES=REDIS_DOWN):
        yield settings


def post(client, article, data, **headers):
    return client.post(
        reverse("comments:post", kwargs={"article_id": article.pk}),
        data,
        HTTP_USER_AGENT=BROWSER_UA,
        HTTP_ORIGIN=SAME_ORIGIN,
        **headers,
    )


def database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def assert_outage_answer(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    page = response.content.decode()
    assert "Traceback" not in page and "OperationalError" not in page
    assert "/static/css/site.css" in page  # the site's style
    return page


# The cache (Redis) is down.


def test_comment_is_taken_while_the_cache_is_down(client, article, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="comments.ratelimit"):
        response = post(client, article, form_data(article))
    assert response.status_code == 302
    assert Comment.objects.filter(article=article).count() == 1
    warnings = [r for r in caplog.records if r.name == "comments.ratelimit"]
    assert len(warnings) == 1
    assert "rate limit counted in the database" in warnings[0].getMessage()


def test_the_rate_limit_holds_in_the_database_while_the_cache_is_down(client, article, redis_down):
    redis_down.COMMENTS_RATE_LIMIT = 2
    for n in range(2):
        assert post(client, article, form_data(article, body=f"Comment {n}")).status_code == 302
    response = post(client, article, form_data(article, body="Third, kept"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Third, kept" in response.content.decode()
    assert Comment.objects.count() == 2
    assert RateLimitCounter.objects.get().count == 3


def test_the_database_counter_forgets_past_windows(rf, redis_down):
    redis_down.COMMENTS_RATE_LIMIT = 1
    request = rf.post("/", REMOTE_ADDR="198.51.100.7")
    assert ratelimit.hit(request, "post", now=6000)
    assert not ratelimit.hit(request, "post", now=6059)
    assert ratelimit.hit(request, "post", now=6060)  # a new window
    assert list(RateLimitCounter.objects.values_list("window_start", "count")) == [(6060, 1)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_counter_is_exact_under_concurrency():
    threads_count = 20
    barrier = threading.Barrier(threads_count)
    counts, errors = [], []

    def count():
        try:
            barrier.wait(timeout=30)
            counts.append(ratelimit._count_in_database("comments:rate:post:same", 6000))
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=count) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(counts) == list(range(1, threads_count + 1))
    assert RateLimitCounter.objects.get().count == threads_count


def test_retry_after_is_what_is_left_of_the_window(rf, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    request = rf.post("/", REMOTE_ADDR="198.51.100.7")
    assert ratelimit.hit(request, "post", now=6045.5)
    refused = ratelimit.hit(request, "post", now=6045.5)
    assert not refused and refused.retry_after == 15


def test_the_429_page_says_when_to_come_back(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    post(client, article, form_data(article, body="first"))
    response = post(client, article, form_data(article, body="second"))
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 60
    assert f"Please wait {seconds} second" in response.content.decode()


# /healthz


def test_healthz_degraded_but_serving_while_the_cache_is_down(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_healthz_503_when_the_database_is_down(client):
    with connection.execute_wrapper(database_down):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


# The database (PostgreSQL) is down.


def test_story_page_answers_503_while_the_database_is_down(client, article):
    url = article.get_absolute_url()
    with connection.execute_wrapper(database_down):
        response = client.get(url)
    page = assert_outage_answer(response)
    assert "Back in a moment" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_story_page_answers_503_with_postgresql_at_a_closed_port(client):
    url = ArticleFactory().get_absolute_url()
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        response = client.get(url)
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert "Back in a moment" in assert_outage_answer(response)
    assert client.get(url).status_code == 200  # back without a restart


def test_a_bug_still_gets_the_500_page(article, monkeypatch):
    def broken(*args, **kwargs):
        raise ProgrammingError('relation "comments_comment" does not exist')

    monkeypatch.setattr("comments.views.file_comment", broken)
    client = Client(raise_request_exception=False)
    response = post(client, article, form_data(article))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert not response.has_header("Retry-After")


class FormFields(HTMLParser):
    """The fields a browser would send from the form with `form_id`, and its action."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.action = form_id, False, None
        self.fields, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside, self.action = True, attrs.get("action")
        elif self.inside and tag == "input" and attrs.get("name"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value", "on")
            else:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.inside and tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_in(page, form_id="comment-form"):
    parser = FormFields(form_id)
    parser.feed(page)
    # A browser drops the newline right after <textarea>.
    if parser.fields.get("body", "").startswith("\n"):
        parser.fields["body"] = parser.fields["body"][1:]
    return parser.action, parser.fields


def test_comment_posted_during_an_outage_comes_back_ready_to_resend(client, article):
    parent = CommentFactory(article=article)
    written = form_data(
        article,
        name='Zoë "Z" O\'Neil <b>',
        email="zoe@example.org",
        website="https://example.org/?a=1&b=2",
        body='Line one & <script>alert("x")</script>\nLine two: ünïcode.',
        remember="on",
        parent=str(parent.pk),
        submission="0123456789abcdef0123456789abcdef",
    )
    with connection.execute_wrapper(database_down):
        response = post(
            client, article, written, HTTP_REFERER=f"{SAME_ORIGIN}{article.get_absolute_url()}"
        )
    page = assert_outage_answer(response)
    assert "Your comment is not sent yet" in page
    assert f'href="{SAME_ORIGIN}{article.get_absolute_url()}"' in page  # back to the story
    for name in ("name", "email", "website", "body", "parent", "submission"):
        assert html.escape(written[name]) in page, name  # there, and inert
    assert "<script>" not in page
    action, fields = form_in(page)
    assert action == reverse("comments:post", kwargs={"article_id": article.pk})
    for name in ("name", "email", "website", "body", "parent", "submission", "remember"):
        assert fields[name] == written[name], name
    assert fields["token"] != written["token"]  # a fresh stamp, good for the next two hours

    # The database is back: one click sends exactly what the page holds.
    response = client.post(action, fields, HTTP_USER_AGENT=BROWSER_UA, HTTP_ORIGIN=SAME_ORIGIN)
    assert response.status_code == 302
    comment = Comment.objects.get(email="zoe@example.org")
    assert (comment.name, comment.body, comment.website) == (
        'Zoë "Z" O\'Neil <b>',
        written["body"].replace("\r\n", "\n"),
        written["website"],
    )
    assert comment.parent == parent and comment.remember


def test_resending_a_post_stored_before_the_outage_stores_nothing_twice(client, article):
    """The answer to the first post was lost; the reader sends again into the outage."""
    data = form_data(article, submission="fedcba9876543210fedcba9876543210")
    assert post(client, article, data).status_code == 302
    with connection.execute_wrapper(database_down):
        response = post(client, article, data)
    action, fields = form_in(assert_outage_answer(response))
    response = client.post(action, fields, HTTP_USER_AGENT=BROWSER_UA, HTTP_ORIGIN=SAME_ORIGIN)
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert ModerationEvent.objects.count() == 1


def test_report_during_an_outage_offers_to_send_it_again(client, article):
    comment = CommentFactory(article=article)
    url = reverse("comments:report", kwargs={"pk": comment.pk})
    with connection.execute_wrapper(database_down):
        response = client.post(url, HTTP_ORIGIN=SAME_ORIGIN, HTTP_USER_AGENT=BROWSER_UA)
    page = assert_outage_answer(response)
    assert "Your report is not sent yet" in page
    assert f'action="{url}"' in page


def test_an_outage_met_after_the_view_still_answers_503_and_loses_nothing(article, monkeypatch):
    """The comment is stored, then saving the session fails: the answer still gives it back."""

    def session_down(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", session_down)
    client = Client(raise_request_exception=False)
    data = form_data(article, submission="0123456789abcdef0123456789abcdef")
    action, fields = form_in(assert_outage_answer(post(client, article, data)))
    monkeypatch.undo()
    response = client.post(action, fields, HTTP_USER_AGENT=BROWSER_UA, HTTP_ORIGIN=SAME_ORIGIN)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_an_unknown_address_during_an_outage_answers_503():
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_down):
        response = client.get("/no-such-page/")
    assert "Back in a moment" in assert_outage_answer(response)


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (OperationalError("connection to server at 127.0.0.1, port 5432 failed"), True),
        (OperationalError("server closed the connection unexpectedly"), True),
        (OperationalError("database is locked"), True),
        # SQLite's words for a migration not run: a bug to see, not "back in a moment".
        (OperationalError("no such table: articles_article"), False),
        (OperationalError("no such column: articles_article.trashed_at"), False),
    ],
)
def test_what_counts_as_a_database_outage(error, outage):
    assert is_outage(error) is outage
