"""Shared helpers for the comments tests."""

import threading

import pytest
from django.core.cache import cache

from comments import forms
from comments.forms import make_token

SAME_ORIGIN = "http://testserver"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def form_data(article, **overrides):
    """A valid comment form submission, stamped a minute ago."""
    data = {
        "name": "Ada Reader",
        "email": "ada@example.org",
        "website": "",
        "body": "I was at the meeting and it went on for hours.",
        "phone_number": "",
        "token": make_token(article, now=forms.clock() - 60),
        "parent": "",
    }
    data.update(overrides)
    return data


def post_comment(client, article, **overrides):
    from django.urls import reverse

    return client.post(
        reverse("comments:post", kwargs={"article_id": article.pk}),
        form_data(article, **overrides),
        HTTP_USER_AGENT=BROWSER_UA,
        HTTP_ORIGIN=SAME_ORIGIN,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


class BrokenEmailBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class HangingEmailBackend:
    """A mail server that accepts the connection and then says nothing until released.

    It gives up after HANG_SECONDS only so that a broken test cannot hang the suite: generous,
    so that a busy machine never reaches it before the test releases it."""

    HANG_SECONDS = 60
    started = threading.Event()
    release = threading.Event()
    sent = []

    @classmethod
    def reset(cls):
        cls.started.clear()
        cls.release.clear()
        cls.sent.clear()

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        self.started.set()
        if not self.release.wait(self.HANG_SECONDS):
            raise TimeoutError("mail server timed out")
        self.sent.extend(messages)
        return len(messages)
