"""The counts behind every ration (profiles.counting): a window that starts with its first count, counted one by
one however many requests count at once, and never lost when the window ends between the cache's two calls."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import cache

from profiles.counting import count_in_window


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.delete_many(["ration-test", "ration-other", "ration-threads"])


def test_each_count_says_how_many_so_far_and_keys_count_apart() -> None:
    assert [count_in_window("ration-test", 60) for _ in range(3)] == [1, 2, 3]
    assert count_in_window("ration-other", 60) == 1


def test_the_window_starts_with_the_first_count_and_a_new_one_begins_after_it() -> None:
    assert count_in_window("ration-test", 2) == 1
    assert count_in_window("ration-test", 2) == 2
    time.sleep(2.2)  # the cache's own expiry (Redis in CI): no clock to move
    assert count_in_window("ration-test", 2) == 1


def test_a_window_that_ends_between_add_and_incr_starts_the_next_with_this_count(monkeypatch: Any) -> None:
    real_incr = cache.incr
    calls: list[str] = []

    def expired_once(key: str, delta: int = 1, version: Any = None) -> int:
        if not calls:
            calls.append(key)
            cache.delete(key)  # what expiry does at the worst moment
            return real_incr(key, delta, version)  # raises ValueError: the key is gone
        return real_incr(key, delta, version)

    monkeypatch.setattr(cache, "incr", expired_once)
    assert count_in_window("ration-test", 60) == 1
    assert calls == ["ration-test"]  # the expiry did fall between the two calls
    assert count_in_window("ration-test", 60) == 2


def test_requests_counting_at_once_are_counted_one_by_one() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: count_in_window("ration-threads", 60), range(200)))
    assert sorted(counts) == list(range(1, 201))
