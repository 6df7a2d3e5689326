"""A ration of failed sign-ins per network and hour, whatever the accounts tried.

django-axes locks one e-mail out from one network after a few failures. Trying one common password on many
accounts (password spraying) never trips it. This ration does: after `LOGIN_FAILURES_PER_NETWORK_PER_HOUR` failed
sign-ins from one network (an IPv4 address, an IPv6 /64) within an hour, no sign-in from that network is checked
until the hour is over, the right password included. A hospital behind one address shares the ration, so the
default is generous (100); 0 turns it off.

Each way in (the log-in page, the admin's, the API's token) asks `refusal_for` first, to say so plainly. The auth
backend refuses as well, so a way in added later cannot forget it.
"""

from __future__ import annotations

import math
import time
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache

from profiles.counting import count_in_window
from profiles.networks import network_hour_key

NETWORK_LOCKED_OUT = (
    "Too many failed sign-ins from your network in the last hour, for any account. Try again within the hour, "
    "or ask a coordinator."
)


WINDOW_SECONDS = 3600


def _key(request: Any) -> str:
    return network_hour_key("login-failures", get_client_ip_address(request) or "unknown")


def failure_record(sender: Any = None, *, request: Any = None, **kwargs: Any) -> None:
    """Count one failed sign-in for the request's network (a `user_login_failed` receiver)."""
    if request is None or not settings.LOGIN_FAILURES_PER_NETWORK_PER_HOUR:
        return
    key = _key(request)
    # When the window ends, for the API's Retry-After: Django's cache cannot tell when the count's key expires.
    # Written first, so it never outlives the count and names the end of a window that has gone.
    cache.add(f"{key}:ends", time.time() + WINDOW_SECONDS, timeout=WINDOW_SECONDS)
    count_in_window(key, WINDOW_SECONDS)


def refusal_seconds_left(request: Any) -> int:
    """Seconds until the refusal `refusal_for` gives ends with the network's window of failures (the window's whole
    length when its end is not known)."""
    ends = cache.get(f"{_key(request)}:ends")
    return max(1, math.ceil(ends - time.time())) if ends is not None else WINDOW_SECONDS


def refusal_for(request: Any) -> str | None:
    """Why no sign-in from this request's network is checked now; None when one may be."""
    limit = settings.LOGIN_FAILURES_PER_NETWORK_PER_HOUR
    if not limit or request is None:
        return None
    return NETWORK_LOCKED_OUT if (cache.get(_key(request)) or 0) >= limit else None
