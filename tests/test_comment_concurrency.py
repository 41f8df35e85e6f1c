"""Twenty readers post at the same moment: twenty comments, none lost, none doubled."""

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest

from comments.models import Comment, ModerationEvent
from tests.comment_helpers import BROWSER_UA, _fresh_cache  # noqa: F401
from tests.factories import ArticleFactory

POSTS = 20


def reader_session(base_url, story_path):
    """A reader's cookie jar and form stamp, as a browser would have them."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", BROWSER_UA)]
    html = opener.open(base_url + story_path, timeout=20).read().decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    action = re.search(r'<form[^>]+action="(/comments/post/\d+/)"', html).group(1)
    return opener, token, action


@pytest.mark.postgres
def test_twenty_simultaneous_posts(live_server, settings):
    settings.COMMENTS_RATE_LIMIT = 0
    settings.COMMENTS_DUPLICATE_CHECK = False
    settings.COMMENTS_MIN_SECONDS = 0
    article = ArticleFactory()
    readers = [reader_session(live_server.url, article.get_absolute_url()) for _ in range(POSTS)]
    barrier = threading.Barrier(POSTS)
    statuses, errors = [], []

    def post(n, opener, token, action):
        data = urllib.parse.urlencode(
            {
                "name": f"Reader {n}",
                "email": f"reader{n}@example.org",
                "body": f"Simultaneous comment {n}",
                "token": token,
            }
        ).encode()
        request = urllib.request.Request(
            live_server.url + action,
            data=data,
            headers={
                "Origin": live_server.url,
                "Referer": live_server.url + article.get_absolute_url(),
            },
        )
        barrier.wait(timeout=20)
        try:
            with opener.open(request, timeout=30) as response:
                statuses.append(response.status)
        except Exception as error:  # collected and asserted below
            errors.append(repr(error))

    threads = [
        threading.Thread(target=post, args=(n, *reader)) for n, reader in enumerate(readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert statuses == [200] * POSTS  # each followed its redirect back to the story
    bodies = sorted(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert bodies == sorted(f"Simultaneous comment {n}" for n in range(POSTS))
    assert ModerationEvent.objects.filter(comment__article=article).count() == POSTS
