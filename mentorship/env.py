"""Typed readers for environment variables.

Each helper refuses a malformed value with a message naming the variable, so a typo in a deployment stops
start-up instead of silently falling back to a default (healthchecks' ``envbool`` does the same).
"""

from __future__ import annotations

import logging
import os
import re
import zoneinfo
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# What DRF's throttles can read (they look only at the unit's first letter, so "10/fortnight" failed at request time).
_RATE = re.compile(r"(?P<count>[0-9]+)/(?P<unit>s|sec|second|m|min|minute|h|hour|d|day)")


def _raw(name: str) -> str | None:
    """The variable's value, with an empty value meaning "not set" (so a blank line in .env keeps the default)."""
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of {sorted(_TRUE)} or {sorted(_FALSE)}.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum {maximum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    if value not in zoneinfo.available_timezones():
        raise ImproperlyConfigured(f"{name}={value!r} is not an IANA time zone such as 'Europe/London'.")
    return value


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value and value.split("://", 1)[0] not in schemes:
        raise ImproperlyConfigured(f"{name}={value!r} must start with one of: {', '.join(s + '://' for s in schemes)}.")
    return value


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as ``10/min``: a whole number of requests per s, m, h or d (or sec, min, hour, day)."""
    raw = env_str(name, default)
    found = _RATE.fullmatch(raw.strip().replace(" ", ""))
    if found is None or int(found["count"]) < 1:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: use requests/period with a period of s, min, hour or day (e.g. 10/min)."
        )
    return f"{int(found['count'])}/{found['unit']}"


def env_site_url(name: str, default: str) -> str:
    """The site's public origin (``https://mentoring.example.edu``, a port allowed), without a trailing slash.

    Links are built as SITE_URL + a path from the root, so a path here would be doubled or dropped: refused."""
    raw = env_str(name, default)
    if not raw.strip():
        return ""
    try:
        parts = urlsplit(raw.strip())
        parts.port  # noqa: B018 -- a port that is not a number raises here
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={raw!r} must be the site's address with http:// or https://.")
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username or parts.password:
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be only the scheme and host (and port), such as https://mentoring.example.edu: "
            "links add their path to it."
        )
    return f"{parts.scheme}://{parts.netloc}"


def env_log_level(name: str, default: str) -> str:
    """A standard logging level's name in any case (``info``), returned as logging knows it (``INFO``)."""
    raw = env_str(name, default)
    value = raw.strip().upper()
    if value not in logging.getLevelNamesMapping():
        levels = ", ".join(("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
        raise ImproperlyConfigured(f"{name}={raw!r} is not a logging level: use one of {levels}.")
    return value
