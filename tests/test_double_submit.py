"""One form sent twice (a double click, a retry, two servers at once) stores one comment."""

import http.client
import re
import threading
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from comments.models import Comment, ModerationEvent
from tests.comment_helpers import BROWSER_UA, _fresh_cache, form_data, post_comment  # noqa: F401
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SUBMISSION = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def article():
    return ArticleFactory()


def form_of(page):
    """The stamp, one-time id and action of the comment form on a story page."""
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    submission = re.search(r'name="submission" value="([0-9a-f]{32})"', page).group(1)
    action = re.search(r'<form[^>]+action="(/comments/post/\d+/)"', page).group(1)
    return token, submission, action


def test_the_story_page_form_carries_a_one_time_id(client, article):
    _token, first, _action = form_of(client.get(article.get_absolute_url()).content.decode())
    _token, second, _action = form_of(client.get(article.get_absolute_url()).content.decode())
    assert first != second


def test_a_double_click_stores_one_comment_and_answers_both_alike(
    client, article, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_NOTIFY_EMAILS = ["desk@newsroom.test"]
    with django_capture_on_commit_callbacks() as mails:
        first = post_comment(client, article, submission=SUBMISSION)
        second = post_comment(client, article, submission=SUBMISSION)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    comment = Comment.objects.get()
    assert ModerationEvent.objects.filter(comment=comment).count() == 1
    mail_jobs = [job for job in mails if "enqueue" in repr(job)]
    assert len(mail_jobs) == 1  # moderators are told once
    page = client.get(second["Location"]).content.decode()
    assert "Your comment is awaiting moderation" in page
    assert "already posted" not in page


def test_a_published_comment_sent_twice_points_both_answers_at_it(client, article, settings):
    settings.COMMENTS_PREMODERATE = False
    first = post_comment(client, article, submission=SUBMISSION)
    second = post_comment(client, article, submission=SUBMISSION)
    comment = Comment.objects.get()
    assert first["Location"] == second["Location"] == f"{article.get_absolute_url()}#c{comment.pk}"


def test_two_readers_of_one_cached_form_each_get_their_comment(client, article):
    """Shared caches hand the same form, id and all, to many readers."""
    post_comment(client, article, submission=SUBMISSION, email="ada@example.org")
    post_comment(client, article, submission=SUBMISSION, email="bob@example.org")
    assert Comment.objects.count() == 2


def test_a_second_comment_written_in_the_same_form_is_not_swallowed(client, article):
    post_comment(client, article, submission=SUBMISSION, body="First thought.")
    post_comment(client, article, submission=SUBMISSION, body="Second thought.")
    assert Comment.objects.count() == 2


def test_the_same_text_in_a_new_form_is_still_a_duplicate(client, article):
    post_comment(client, article, submission=SUBMISSION)
    response = post_comment(client, article, submission="f" * 32)
    assert response.status_code == 400
    assert "You have already posted this comment" in response.content.decode()


class RoomyServer(ThreadedWSGIServer):
    request_queue_size = 128  # Django's 10 would reset some of forty simultaneous connections


class RoomyServerThread(LiveServerThread):
    server_class = RoomyServer


@pytest.fixture
def live_server_for_forty(transactional_db):
    """Django's live server (a thread per request) that takes forty connections at once."""
    thread = RoomyServerThread("localhost", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    yield SimpleNamespace(url=f"http://localhost:{thread.port}")
    thread.terminate()


@pytest.mark.postgres
def test_twenty_simultaneous_double_posts_store_twenty_comments(live_server_for_forty, settings):
    settings.COMMENTS_RATE_LIMIT = 0
    settings.COMMENTS_MIN_SECONDS = 0
    article = ArticleFactory()
    readers = 20
    forms = []
    for n in range(readers):
        page = urllib.request.urlopen(
            live_server_for_forty.url + article.get_absolute_url(), timeout=20
        )
        token, submission, action = form_of(page.read().decode())
        fields = {
            "name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "body": f"Double-clicked comment {n}",
            "token": token,
            "submission": submission,
        }
        forms.append((action, fields))
    barrier = threading.Barrier(2 * readers)
    answers, errors = [], []
    address = urllib.parse.urlsplit(live_server_for_forty.url)

    def send(action, fields):
        # Connected before the barrier, so that all forty requests leave at the same moment.
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            connection.connect()
            barrier.wait(timeout=60)
            connection.request(
                "POST",
                action,
                body=urllib.parse.urlencode(fields),
                headers={
                    "Origin": live_server_for_forty.url,
                    "User-Agent": BROWSER_UA,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            answer = connection.getresponse()
            answers.append((answer.status, answer.getheader("Location")))
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=form) for form in forms for _twice in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert answers == [(302, f"{article.get_absolute_url()}#comments")] * (2 * readers)
    bodies = sorted(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert bodies == sorted(f"Double-clicked comment {n}" for n in range(readers))
    for comment in Comment.objects.filter(article=article):
        assert ModerationEvent.objects.filter(comment=comment).count() == 1
