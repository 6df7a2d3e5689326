"""Counts behind the rations (sign-ups and failed sign-ins per network, reset and confirmation e-mails and wrong
current passwords per account): kept in the cache, each in a window that starts with its first count."""

from __future__ import annotations

from django.core.cache import cache


def count_in_window(key: str, seconds: int) -> int:
    """One more in `key`'s window of `seconds`, which starts with the first; the count so far.

    The cache's atomic add and incr count concurrent requests one by one, so none slips past a limit."""
    cache.add(key, 0, timeout=seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls: this one starts the next window
        cache.add(key, 1, timeout=seconds)
        return 1
