"""Behind the TLS proxy the README requires, every request comes from the proxy's address: the client's is in
X-Forwarded-For. TRUSTED_PROXY_COUNT says how many proxies stand in front; the client is the entry the farthest of
them appended (the N-th from the right). Entries to its left are whatever the client sent and never count.

Tried before the fix (client_network read REMOTE_ADDR only): the two clients behind one proxy shared one count, so
the first client's five failures locked the second out of the same account (429 instead of 302), a third network's
sign-up was refused after the first one's, and the proxy's address was every request's key.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from profiles.networks import client_network
from tests.factories import UserFactory
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
CLIENT_A, CLIENT_B = "203.0.113.7", "198.51.100.20"
WRONG = "wrong-guess-123"


@pytest.fixture
def one_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def _network(forwarded_for: str | None, remote: str = PROXY) -> str | None:
    extra = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client_network(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def _via_proxy(client_address: str, cls: type[Client] = Client) -> Any:
    return cls(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def _sign_in(client_address: str, email: str, password: str) -> int:
    return _via_proxy(client_address).post("/login/", {"username": email, "password": password}).status_code


@pytest.mark.usefixtures("one_proxy")
def test_two_clients_behind_one_proxy_are_two_networks() -> None:
    assert _network(CLIENT_A) == CLIENT_A
    assert _network(CLIENT_B) == CLIENT_B
    assert _network("2001:db8:1:2::10") == _network("2001:db8:1:2::99") == "2001:db8:1:2::/64"


@pytest.mark.usefixtures("one_proxy")
def test_one_clients_lockout_does_not_lock_out_another_behind_the_same_proxy() -> None:
    UserFactory(email="tara@example.org")
    for _ in range(5):
        _sign_in(CLIENT_A, "tara@example.org", WRONG)
    assert _sign_in(CLIENT_A, "tara@example.org", DEFAULT_PASSWORD) == 429
    assert _sign_in(CLIENT_B, "tara@example.org", DEFAULT_PASSWORD) == 302


@pytest.mark.usefixtures("one_proxy")
def test_the_failed_sign_in_ration_counts_each_client_behind_the_proxy(settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_NETWORK_PER_HOUR = 3
    UserFactory(email="tara@example.org")
    for victim in ("a@example.org", "b@example.org", "c@example.org"):
        UserFactory(email=victim)
        _sign_in(CLIENT_A, victim, WRONG)
    refused = _via_proxy(CLIENT_A).post("/login/", {"username": "tara@example.org", "password": DEFAULT_PASSWORD})
    assert "Too many failed sign-ins from your network" in refused.content.decode()
    assert _sign_in(CLIENT_B, "tara@example.org", DEFAULT_PASSWORD) == 302


@pytest.mark.usefixtures("one_proxy")
def test_the_sign_up_limit_counts_each_client_behind_the_proxy(settings: Any) -> None:
    settings.SIGN_UPS_PER_NETWORK_PER_HOUR = 1
    password = "correct-horse-battery-2026"

    def sign_up(client_address: str, email: str) -> int:
        body = {"full_name": "Nia Newcomer", "email": email, "password1": password, "password2": password}
        return _via_proxy(client_address).post("/signup/", body, follow=True).status_code

    assert sign_up(CLIENT_A, "a@example.org") == 200
    assert sign_up(CLIENT_A, "b@example.org") == 429
    assert sign_up(CLIENT_B, "c@example.org") == 200


@pytest.mark.usefixtures("one_proxy")
def test_the_api_throttle_counts_each_client_behind_the_proxy(settings: Any) -> None:
    # DRF reads NUM_PROXIES, set here as settings.py sets it from TRUSTED_PROXY_COUNT (tests/mentorship/test_settings.py
    # checks that link); this checks that the token endpoint's throttle and lockout then count the two apart.
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])

    def token(client_address: str, attempt: int) -> int:
        # A new e-mail each time: five failures for one would lock it out (axes) before the throttle's turn.
        body = {"email": f"nobody{attempt}@example.org", "password": WRONG}
        return _via_proxy(client_address, APIClient).post("/api/v1/auth/token/", body, format="json").status_code

    for attempt in range(allowed):
        assert token(CLIENT_A, attempt) == 400
    assert token(CLIENT_A, allowed) == 429
    assert token(CLIENT_B, allowed) == 400


@pytest.mark.usefixtures("one_proxy")
def test_a_made_up_leftmost_entry_does_not_change_the_clients_network() -> None:
    # A client sends its own X-Forwarded-For; the proxy appends the address it saw. Only that one counts.
    assert _network(f"192.0.2.1, {CLIENT_A}") == CLIENT_A
    assert _network(f"192.0.2.99,10.1.1.1, {CLIENT_A}") == CLIENT_A


def test_two_proxies_take_the_entry_the_farther_one_appended(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert _network(f"192.0.2.1, {CLIENT_A}, 10.0.0.9") == CLIENT_A


@pytest.mark.usefixtures("one_proxy")
def test_a_missing_short_or_malformed_header_falls_back_to_the_peer_address(settings: Any) -> None:
    assert _network(None) == PROXY
    assert _network("") == PROXY
    assert _network("not-an-address") == PROXY
    assert _network(f"{CLIENT_A}, unknown") == PROXY  # the entry the proxy appended is not an address
    settings.TRUSTED_PROXY_COUNT = 2
    assert _network(CLIENT_A) == PROXY  # fewer entries than proxies: nothing in it can be trusted


@pytest.mark.usefixtures("one_proxy")
def test_a_port_the_proxy_appended_is_not_part_of_the_address() -> None:
    assert _network(f"{CLIENT_A}:51234") == CLIENT_A
    assert _network("[2001:db8:1:2::10]:443") == "2001:db8:1:2::/64"


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert _network(CLIENT_A) == PROXY
    assert _network(CLIENT_B) == PROXY
    assert _network(None, remote=CLIENT_B) == CLIENT_B


def test_the_token_throttle_counts_an_ipv6_caller_by_its_64(settings: Any) -> None:
    # Tried: DRF keyed the token endpoint's throttle on the single address, so one IPv6 host took a fresh budget
    # from each of its 2^64 addresses; it now counts the network, as the log-in page's rations do.
    settings.TRUSTED_PROXY_COUNT = 0
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])

    def token(address: str, attempt: int) -> int:
        body = {"email": f"nobody{attempt}@example.org", "password": WRONG}
        return APIClient(REMOTE_ADDR=address).post("/api/v1/auth/token/", body, format="json").status_code

    for attempt in range(allowed):
        assert token(f"2001:db8:1:2::{attempt + 1:x}", attempt) == 400
    assert token("2001:db8:1:2::ffff", allowed) == 429
    assert token("2001:db8:1:3::1", allowed) == 400  # the next /64 is another network
