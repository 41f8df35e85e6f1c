"""The browser tests' guard: the database is flushed only once the live server has answered
every request a closed browser left behind (an autosave or a preview still being drawn)."""

import threading
import urllib.request

import pytest

from newsroom import views
from tests.conftest import in_flight

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_still_being_answered_holds_the_flush_until_it_ends(live_server, monkeypatch):
    entered, release = threading.Event(), threading.Event()

    def held_database_check():
        entered.set()
        release.wait(timeout=60)
        return True

    monkeypatch.setattr(views, "database_ok", held_database_check)
    answers = []
    reader = threading.Thread(
        target=lambda: answers.append(urllib.request.urlopen(f"{live_server.url}/healthz").status)
    )
    reader.start()
    assert entered.wait(timeout=60)

    assert in_flight.count == 1
    assert not in_flight.wait_until_idle(timeout=0)

    release.set()
    assert in_flight.wait_until_idle(timeout=60)
    reader.join(timeout=60)
    assert answers == [200]
