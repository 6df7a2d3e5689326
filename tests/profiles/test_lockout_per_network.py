"""The per-account lockout (django-axes) counts an e-mail's failures per network: an IPv4 address, or an IPv6 /64.

Before the fix axes counted by the raw address, so an IPv6 client moved to the next address of its /64 after each
failure and was never locked out: the IPv6 tests below failed (the sixth sign-in, the right password, went in).
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "wrong-guess-123"


def _sign_in(address: str, email: str, password: str) -> int:
    return Client(REMOTE_ADDR=address).post("/login/", {"username": email, "password": password}).status_code


def _token(address: str, email: str, password: str) -> int:
    credentials = {"email": email, "password": password}
    return APIClient(REMOTE_ADDR=address).post("/api/v1/auth/token/", credentials, format="json").status_code


def test_five_failures_lock_the_account_for_the_whole_ipv6_64() -> None:
    UserFactory(email="tara@example.org")
    for host in range(1, 5):
        assert _sign_in(f"2001:db8:1:2::{host}", "tara@example.org", WRONG) == 200
    assert _sign_in("2001:db8:1:2::5", "tara@example.org", WRONG) == 429  # the fifth locks, as on IPv4
    assert _sign_in("2001:db8:1:2::6", "tara@example.org", DEFAULT_PASSWORD) == 429


def test_the_next_ipv6_64_is_another_network_and_signs_in() -> None:
    UserFactory(email="tara@example.org")
    for host in range(1, 6):
        _sign_in(f"2001:db8:1:2::{host}", "tara@example.org", WRONG)
    assert _sign_in("2001:db8:1:3::1", "tara@example.org", DEFAULT_PASSWORD) == 302


def test_ipv4_addresses_are_still_each_their_own_network() -> None:
    UserFactory(email="tara@example.org")
    for _ in range(5):
        _sign_in("203.0.113.7", "tara@example.org", WRONG)
    assert _sign_in("203.0.113.7", "tara@example.org", DEFAULT_PASSWORD) == 429
    assert _sign_in("203.0.113.8", "tara@example.org", DEFAULT_PASSWORD) == 302


def test_the_api_token_endpoint_locks_the_account_for_the_whole_ipv6_64_too() -> None:
    UserFactory(email="tara@example.org")
    for host in range(1, 5):
        assert _token(f"2001:db8:1:2::{host}", "tara@example.org", WRONG) == 400
    assert _token("2001:db8:1:2::5", "tara@example.org", WRONG) == 429
    assert _token("2001:db8:1:2::6", "tara@example.org", DEFAULT_PASSWORD) == 429
