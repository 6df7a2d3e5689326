"""Failed sign-ins are rationed per network and hour, whatever the accounts (profiles.sign_in).

django-axes locks one e-mail out from one address after 5 failures, so trying one common password on many
accounts (password spraying) was never stopped: here 3 wrong guesses for 3 different people (the limit is set to 3)
stop every sign-in from that address for the hour, the right password included, and say so plainly, on the log-in
page, the admin's and the API's. Another network is not affected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories.profiles import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER, HOSPITAL = "203.0.113.7", "198.51.100.20"


@pytest.fixture(autouse=True)
def three_failures_an_hour(settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_NETWORK_PER_HOUR = 3


def page_sign_in(address: str, email: str, password: str, url: str = "/login/") -> Any:
    return Client(REMOTE_ADDR=address).post(url, {"username": email, "password": password})


def spray(address: str) -> None:
    for victim in ("a@example.org", "b@example.org", "c@example.org"):
        UserFactory(email=victim)
        refused = page_sign_in(address, victim, "Winter2026!")
        assert refused.status_code == 200
        assert "correct e-mail and password" in refused.content.decode()


def test_after_the_networks_failures_even_the_right_password_is_refused_on_the_page(trainee: Any) -> None:
    spray(ATTACKER)
    refused = page_sign_in(ATTACKER, "tara@example.org", DEFAULT_PASSWORD)
    assert refused.status_code == 200
    assert "Too many failed sign-ins from your network in the last hour" in refused.content.decode()
    assert "_auth_user_id" not in refused.client.session
    # The same person from the hospital's network signs in.
    assert page_sign_in(HOSPITAL, "tara@example.org", DEFAULT_PASSWORD).status_code == 302


def test_the_admins_log_in_is_rationed_too(coordinator: Any) -> None:
    spray(ATTACKER)
    refused = page_sign_in(ATTACKER, coordinator.email, DEFAULT_PASSWORD, url="/admin/login/?next=/admin/")
    assert refused.status_code == 200
    assert "Too many failed sign-ins from your network" in refused.content.decode()


def test_the_api_answers_429_network_locked_out_and_issues_no_token(trainee: Any) -> None:
    spray(ATTACKER)
    api = APIClient(REMOTE_ADDR=ATTACKER)
    body = {"email": "tara@example.org", "password": DEFAULT_PASSWORD}
    refused = api.post("/api/v1/auth/token/", body, format="json")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "network_locked_out"
    assert Token.objects.count() == 0


def test_the_api_tells_a_locked_out_network_in_retry_after_when_its_hour_is_over(trainee: Any) -> None:
    # Before: 429 `network_locked_out` without Retry-After, though the hour's end is known.
    with freeze_time("2026-12-01 09:00:00") as clock:
        spray(ATTACKER)
        clock.tick(timedelta(minutes=20))
        api = APIClient(REMOTE_ADDR=ATTACKER)

        refused = api.post(
            "/api/v1/auth/token/", {"email": "tara@example.org", "password": DEFAULT_PASSWORD}, format="json"
        )

    assert refused.json()["error"]["code"] == "network_locked_out"
    assert int(refused["Retry-After"]) == 40 * 60


def test_a_sign_in_that_skips_the_forms_is_refused_by_the_backend(trainee: Any) -> None:
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    spray(ATTACKER)
    request = RequestFactory().post("/elsewhere/", REMOTE_ADDR=ATTACKER)
    assert authenticate(request, username="tara@example.org", password=DEFAULT_PASSWORD) is None
    request = RequestFactory().post("/elsewhere/", REMOTE_ADDR=HOSPITAL)
    assert authenticate(request, username="tara@example.org", password=DEFAULT_PASSWORD) == trainee.user


def test_an_ipv6_network_is_its_64(trainee: Any) -> None:
    spray("2001:db8:1:2::10")
    assert page_sign_in("2001:db8:1:2::99", "tara@example.org", DEFAULT_PASSWORD).status_code == 200  # same /64
    assert page_sign_in("2001:db8:1:3::10", "tara@example.org", DEFAULT_PASSWORD).status_code == 302


def test_zero_turns_the_ration_off(trainee: Any, settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_NETWORK_PER_HOUR = 0
    spray(ATTACKER)
    assert page_sign_in(ATTACKER, "tara@example.org", DEFAULT_PASSWORD).status_code == 302
