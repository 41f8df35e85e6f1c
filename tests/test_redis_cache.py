"""The Redis cache backend: Django's, with one redis-py client per connection pool."""

import threading

import pytest
from django.core.cache import caches

from newsroom.redis_cache import RedisCache
from tests.conftest import IN_CI


@pytest.fixture
def redis_cache(shared_cache):
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        message = "needs REDIS_URL=redis://..."
        if IN_CI:
            pytest.fail(f"{message} (CI=true: Redis tests may not skip)")
        pytest.skip(message)
    return cache


def test_every_call_reuses_the_pools_client(redis_cache):
    redis_cache.set("a", 1)
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache.get("a") == 1
    assert redis_cache.get_many(["a", "b"]) == {"a": 1}
    assert redis_cache.add("b", 2)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client


def test_threads_share_one_client_safely(redis_cache):
    """Django gives each thread its own backend object; a client shared between threads (as
    gthread workers could) must still answer each thread its own values."""
    shared = redis_cache._cache
    failures = []

    def count(name):
        try:
            for n in range(200):
                key = redis_cache.make_key(f"{name}:{n}")
                shared.set(key, n, timeout=60)
                if shared.get(key, None) != n:
                    failures.append((name, n))
        except Exception as error:  # noqa: BLE001 (any error fails the test below)
            failures.append(error)

    threads = [threading.Thread(target=count, args=(name,)) for name in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(shared._clients) == 1


def test_values_at_made_keys_come_back_in_order_with_none_for_missing(redis_cache):
    redis_cache.set_many({"one": (1, 2.5), "three": "three", "four": 4})
    made = [redis_cache.make_key(key) for key in ("one", "two", "three", "four")]
    assert redis_cache.get_made(made) == [(1, 2.5), None, "three", 4]
