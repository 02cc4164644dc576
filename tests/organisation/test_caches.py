"""CACHE_URL: each process's own caches, or one Redis shared by every app server (config/caches.py)."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.caches import NAMES, caches_from
from organisation import summaries

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("url", ["", "   "])
def test_without_a_cache_url_each_process_keeps_its_own_bounded_caches(url):
    found = caches_from(url)
    assert set(found) == set(NAMES)
    for config in found.values():
        assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
        assert config["OPTIONS"]["MAX_ENTRIES"] > 0
    assert len({config["LOCATION"] for config in found.values()}) == len(NAMES)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://cache.example.org:6380/2",
                                 "unix:///run/redis/redis.sock"])
def test_a_redis_cache_url_shares_all_three_caches_under_their_own_prefixes(url):
    found = caches_from(url)
    assert {config["BACKEND"] for config in found.values()} == {"django.core.cache.backends.redis.RedisCache"}
    assert {config["LOCATION"] for config in found.values()} == {url}
    assert len({config["KEY_PREFIX"] for config in found.values()}) == len(NAMES)


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "http://cache", "127.0.0.1:6379", "locmem://"])
def test_any_other_cache_url_is_refused_with_what_was_wrong(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a Redis address"):
        caches_from(url)


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db
def test_with_redis_a_summary_computed_by_one_server_serves_another():
    url = f"redis://{REDIS[0]}:{REDIS[1]}/15"
    calls = []

    def compute():
        calls.append(1)
        return {"on track": 3}

    name = f"test-{uuid.uuid4()}"
    with override_settings(CACHES=caches_from(url), SUMMARY_CACHE_SECONDS=60):
        try:
            assert summaries.cached(name, (), compute) == {"on track": 3}
            # Another app server has an empty memory but the same Redis: it reads what the first computed.
            caches.close_all()
            assert summaries.cached(name, (), compute) == {"on track": 3}
            assert len(calls) == 1
            # A committed change gives a new key, so no server reads the old summary.
            summaries._raise_version()
            summaries.cached(name, (), compute)
            assert len(calls) == 2
        finally:
            caches["summaries"].clear()


@pytest.mark.django_db
def test_a_cache_that_fails_costs_speed_never_the_page(monkeypatch, settings):
    settings.SUMMARY_CACHE_SECONDS = 60

    class Broken:
        def get(self, key):
            raise ValueError("unpickling an entry another release wrote")

        def set(self, key, value, seconds):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(summaries, "caches", {"summaries": Broken()})
    assert summaries.cached("broken", (), lambda: {"on track": 1}) == {"on track": 1}


def test_the_key_prefix_is_the_releases():
    found = caches_from("redis://cache:6379/0", "council-2026.11")
    assert {config["KEY_PREFIX"] for config in found.values()} == {f"council-2026.11:{name}" for name in NAMES}
