"""Single flight (newsroom.pagecache.PageCacheMiddleware.draw_once): a reader who found a stale
copy and then wins the lock after another reader's render was kept is served that copy."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from newsroom import pagecache
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def never_drawn(request):
    raise AssertionError("the page was drawn a second time")


def test_the_copy_kept_while_a_reader_reached_the_lock_is_served(client, shared_cache):
    story = ArticleFactory()
    url = story.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    request = RequestFactory().get(url)
    key = pagecache.entry_key(request)
    cache = pagecache.page_cache()
    pagecache.invalidate(f"story:{story.pk}")
    stale = cache.get(key)  # what this reader's lookup found
    assert client.get(url)["X-Page-Cache"] == "miss"  # another reader draws it meanwhile
    middleware = pagecache.PageCacheMiddleware(never_drawn)
    response = middleware.draw_once(request, cache, key, stale)
    assert response.status_code == 200 and response["X-Page-Cache"] == "wait"
    assert story.headline.encode() in response.content
    assert cache.add(key + ":drawing", 1, timeout=5)  # the lock was let go


def test_a_reader_who_wins_the_lock_over_a_stale_copy_draws_the_page(client, shared_cache):
    story = ArticleFactory()
    url = story.get_absolute_url()
    client.get(url)
    pagecache.invalidate(f"story:{story.pk}")
    request = RequestFactory().get(url)
    key = pagecache.entry_key(request)
    cache = pagecache.page_cache()
    drawn = []

    def draw(request):
        drawn.append(request)
        return HttpResponse("drawn here")

    response = pagecache.PageCacheMiddleware(draw).draw_once(request, cache, key, cache.get(key))
    assert drawn == [request] and response.content == b"drawn here"
