"""An e-mail longer than 254 characters (the most an address may have; RFC 5321) is refused by the field, at log-in
and sign-up, before anything is written.

Before the fix, on PostgreSQL, a failed log-in with one was a 500 at /login/ and /admin/login/ (django-axes wrote
it into AccessAttempt.username, varchar(255): DataError) and sign-up was a 500 (User.email, varchar(254)); on
SQLite sign-up saved the account with it and log-in recorded the attempt. The refusals failed then; the last
SQLite test (the longest address still logs in) guards the limit from the other side.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

from profiles.models import User
from tests.factories import UserFactory
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db
OVERLONG = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 312 characters, a valid form otherwise
TOO_LONG = "Ensure this value has at most 254 characters"


def _log_in(client: Client, page: str) -> str:
    response = client.post(page, {"username": OVERLONG, "password": "not-the-password"})
    assert response.status_code == 200  # the form again, not a 500
    assert not AccessAttempt.objects.exists()
    return response.content.decode()


def _sign_up(client: Client) -> str:
    response = client.post(
        "/signup/",
        {"full_name": "Lena Long", "email": OVERLONG, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )
    assert response.status_code == 400  # refused: the page again, with why
    assert not User.objects.filter(full_name="Lena Long").exists()
    return response.content.decode()


def test_logging_in_with_an_overlong_email_is_refused_by_the_field(client: Client) -> None:
    assert TOO_LONG in _log_in(client, "/login/")


def test_logging_in_to_the_admin_with_an_overlong_email_is_refused_by_the_field(client: Client) -> None:
    assert TOO_LONG in _log_in(client, "/admin/login/")


def test_signing_up_with_an_overlong_email_is_refused_by_the_field(client: Client) -> None:
    assert TOO_LONG in _sign_up(client)


def test_an_address_of_254_characters_still_logs_in(client: Client) -> None:
    longest = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".cc.org"
    assert len(longest) == 254
    UserFactory(email=longest)
    response = client.post("/login/", {"username": longest, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


@pytest.mark.postgres
def test_on_postgresql_none_of_them_is_a_server_error(client: Client) -> None:
    assert TOO_LONG in _log_in(client, "/login/")
    assert TOO_LONG in _log_in(client, "/admin/login/")
    assert TOO_LONG in _sign_up(client)
