"""The typed environment readers (mentorship.env) accept what the app can use and name the variable otherwise.

Before: THROTTLE_* went to DRF unread (a rate it cannot parse, "lots" or "10/fortnight", answered 500 to every
throttled request), SITE_URL took anything (`mentoring.example.edu` without a scheme made every e-mailed link
relative), and LOG_LEVEL had to be upper-case (`info` stopped start-up with logging's bare ValueError).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorship.env import env_log_level, env_rate, env_site_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10/min", "10/min"), ("10/s", "10/s"), ("5 / hour", "5/hour"), ("100/day", "100/day"), ("3/second", "3/second")],
)
def test_a_rate_drf_can_read_is_accepted(monkeypatch: pytest.MonkeyPatch, value: str, expected: str) -> None:
    monkeypatch.setenv("THROTTLE_TOKEN", value)
    assert env_rate("THROTTLE_TOKEN", "10/min") == expected


@pytest.mark.parametrize("value", ["lots", "10/fortnight", "10", "/min", "ten/min", "0/min", "-1/min", "10/mins"])
def test_a_rate_drf_cannot_read_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("THROTTLE_TOKEN", value)
    with pytest.raises(ImproperlyConfigured, match=r"THROTTLE_TOKEN=.* is not a rate"):
        env_rate("THROTTLE_TOKEN", "10/min")


def test_an_unset_rate_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THROTTLE_TOKEN", raising=False)
    assert env_rate("THROTTLE_TOKEN", "10/min") == "10/min"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://mentoring.example.edu", "https://mentoring.example.edu"),
        ("https://mentoring.example.edu/", "https://mentoring.example.edu"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
    ],
)
def test_a_site_url_is_a_scheme_and_host(monkeypatch: pytest.MonkeyPatch, value: str, expected: str) -> None:
    monkeypatch.setenv("SITE_URL", value)
    assert env_site_url("SITE_URL", "") == expected


@pytest.mark.parametrize(
    "value",
    [
        "mentoring.example.edu",
        "ftp://mentoring.example.edu",
        "https://",
        "https://mentoring.example.edu:port",
        "https://mentoring.example.edu/mentoring",
        "https://mentoring.example.edu/?a=1",
        "https://user:secret@mentoring.example.edu",
    ],
)
def test_a_site_url_links_cannot_start_with_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SITE_URL", value)
    with pytest.raises(ImproperlyConfigured, match=r"^SITE_URL="):
        env_site_url("SITE_URL", "")


@pytest.mark.parametrize(("value", "expected"), [("info", "INFO"), ("Warning", "WARNING"), ("DEBUG", "DEBUG")])
def test_a_log_level_in_any_case_is_accepted(monkeypatch: pytest.MonkeyPatch, value: str, expected: str) -> None:
    monkeypatch.setenv("LOG_LEVEL", value)
    assert env_log_level("LOG_LEVEL", "INFO") == expected


def test_an_unknown_log_level_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfigured, match=r"LOG_LEVEL='LOUD' is not a logging level"):
        env_log_level("LOG_LEVEL", "INFO")
