"""POST/DELETE /api/v1/auth/token/: signing in for a token, the lockout, the throttle, revoking."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import TraineeProfileFactory
from tests.factories.profiles import DEFAULT_PASSWORD

URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


def _sign_in(api: APIClient, email: str, password: str = DEFAULT_PASSWORD, **extra: Any) -> Any:
    return api.post(URL, {"email": email, "password": password}, format="json", **extra)


def test_a_trainee_exchanges_her_email_and_password_for_a_token(api_client: APIClient, trainee: Any) -> None:
    response = _sign_in(api_client, "tara@example.org")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=trainee.user).key}


def test_the_email_is_matched_whatever_its_case_and_the_same_token_comes_back(
    api_client: APIClient, trainee: Any
) -> None:
    first = _sign_in(api_client, "tara@example.org").json()["token"]
    second = _sign_in(api_client, "  TARA@Example.ORG ".strip()).json()["token"]

    assert first == second
    assert Token.objects.count() == 1


def test_the_token_signs_in_later_calls_and_revoking_it_signs_out(api_client: APIClient, trainee: Any) -> None:
    token = _sign_in(api_client, "tara@example.org").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.delete(URL).status_code == 204
    assert not Token.objects.filter(user=trainee.user).exists()
    # The revoked token is now refused.
    refused = api_client.delete(URL)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"


def test_a_wrong_password_is_refused_with_a_stable_code_and_no_token(api_client: APIClient, trainee: Any) -> None:
    response = _sign_in(api_client, "tara@example.org", "not-the-password")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert Token.objects.count() == 0


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(api_client: APIClient, trainee: Any) -> None:
    response = _sign_in(api_client, "nobody@example.org")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_an_inactive_person_gets_no_token(api_client: APIClient, trainee: Any) -> None:
    trainee.user.is_active = False
    trainee.user.save()

    assert _sign_in(api_client, "tara@example.org").status_code == 400
    assert Token.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password"}),
        ({"email": "tara@example.org"}, {"password"}),
        ({"email": "not an address", "password": "x"}, {"email"}),
        ({"email": ["tara@example.org"], "password": {"a": 1}}, {"email", "password"}),
    ],
)
def test_missing_or_mistyped_fields_are_named(api_client: APIClient, trainee: Any, body: Any, fields: set[str]) -> None:
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == fields
    assert Token.objects.count() == 0


def test_after_five_failures_even_the_right_password_is_refused_as_locked_out(
    api_client: APIClient, trainee: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(api_client, "tara@example.org", "guess").status_code == 400
    fifth = _sign_in(api_client, "tara@example.org", "guess")
    sixth = _sign_in(api_client, "tara@example.org")  # the right password

    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert sixth.json()["error"]["code"] == "locked_out"
    assert sixth["Content-Type"] == "application/json"  # our format, not axes' HTML lockout page
    assert Token.objects.count() == 0


def test_a_locked_out_program_is_told_in_retry_after_to_wait_the_whole_cool_off(
    api_client: APIClient, trainee: Any
) -> None:
    # Before: 429 `locked_out` without Retry-After, though the cool-off is known; a client could only guess, and
    # every sign-in sent meanwhile (counted as a failure) starts the cool-off again.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(api_client, "tara@example.org", "guess")

    locked = _sign_in(api_client, "tara@example.org")

    assert locked.json()["error"]["code"] == "locked_out"
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_the_lockout_holds_whatever_case_the_email_is_typed_in(api_client: APIClient, trainee: Any) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(api_client, "tara@example.org" if attempt % 2 else "TARA@EXAMPLE.ORG", "guess")

    assert _sign_in(api_client, "Tara@Example.org").json()["error"]["code"] == "locked_out"


def test_a_locked_out_email_does_not_lock_out_someone_else(api_client: APIClient, trainee: Any) -> None:
    other: Any = TraineeProfileFactory(user__email="sam@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(api_client, "tara@example.org", "guess")

    assert _sign_in(api_client, "sam@example.org").status_code == 200
    assert Token.objects.filter(user=other.user).exists()


def test_the_token_endpoint_is_throttled_with_a_retry_after(api_client: APIClient, trainee: Any) -> None:
    rates: Any = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # type: ignore[index]
    allowed = int(rates["token"].split("/")[0])
    for _ in range(allowed):
        assert _sign_in(api_client, "tara@example.org").status_code == 200

    throttled = _sign_in(api_client, "tara@example.org")

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0


def test_a_made_up_x_forwarded_for_does_not_escape_the_token_throttle(api_client: APIClient, trainee: Any) -> None:
    # Before: with NUM_PROXIES unset DRF counted calls per X-Forwarded-For header when one was sent, so a client
    # naming a new "address" on every call was never throttled (trying e-mail after e-mail from one machine).
    rates: Any = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # type: ignore[index]
    allowed = int(rates["token"].split("/")[0])
    for attempt in range(allowed):
        spoofed = f"203.0.113.{attempt}"
        assert _sign_in(api_client, f"nobody{attempt}@example.org", HTTP_X_FORWARDED_FOR=spoofed).status_code == 400

    throttled = _sign_in(api_client, "tara@example.org", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"


def test_revoking_without_signing_in_is_401_with_a_token_challenge(api_client: APIClient) -> None:
    response = api_client.delete(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_malformed_authorization_header_is_401_even_on_the_public_sign_in(
    api_client: APIClient, trainee: Any
) -> None:
    response = _sign_in(api_client, "tara@example.org", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_signed_in_browser_uses_the_api_with_its_session_and_needs_csrf_to_write(trainee: Any) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(trainee.user, backend="profiles.backends.EmailBackend")

    read = browser.get("/api/v1/me/")
    write_without_csrf = browser.post(
        "/api/v1/goals/", {"title": "Submit an abstract"}, content_type="application/json"
    )

    assert read.status_code == 200
    assert write_without_csrf.status_code == 403
    assert write_without_csrf.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in write_without_csrf.json()["error"]["message"]


def test_a_browser_signed_in_to_the_site_gets_a_token_without_a_csrf_token(trainee: Any) -> None:
    # Before: 403 "CSRF Failed: CSRF cookie not set." (SessionAuthentication read the browser's session first), a
    # status the schema did not list. The e-mail and password in the body are the only credentials read.
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(trainee.user, backend="profiles.backends.EmailBackend")

    response = browser.post(
        URL, {"email": "tara@example.org", "password": DEFAULT_PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200, response.content[:300]
    assert response.json() == {"token": Token.objects.get(user=trainee.user).key}


def test_a_browser_session_alone_does_not_revoke_the_token(trainee: Any) -> None:
    # Tried: DELETE with the site's session and no token: the endpoint reads the token only, so it is 401.
    from django.test import Client

    Token.objects.create(user=trainee.user)
    browser = Client()
    browser.force_login(trainee.user, backend="profiles.backends.EmailBackend")

    response = browser.delete(URL)

    assert response.status_code == 401
    assert Token.objects.filter(user=trainee.user).exists()


def test_the_schema_says_the_token_endpoint_takes_no_session_and_gives_retry_after() -> None:
    from tests.api.schema_walk import schema

    operations = schema()["paths"][URL]

    assert operations["delete"]["security"] == [{"tokenAuth": []}]
    for method in ("post", "delete"):
        assert "Retry-After" in operations[method]["responses"]["429"]["headers"], method
