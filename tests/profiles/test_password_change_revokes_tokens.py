"""A new password signs out API tokens too: someone who swapped the old password for a token at
POST /api/v1/auth/token/ must lose the API as well as their browser session.

Before the fix both tests failed: the stolen token still answered 200 at /api/v1/me/ after the change and the reset.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase-7"


def _token(email: str, password: str) -> str:
    response = Client().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def _api_me_status(token: str) -> int:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_changing_the_password_signs_out_the_api_token_too(client: Client) -> None:
    user = UserFactory(email="tara@example.org")
    stolen = _token("tara@example.org", DEFAULT_PASSWORD)
    assert _api_me_status(stolen) == 200
    client.force_login(user, backend="profiles.backends.EmailBackend")

    response = client.post(
        "/me/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _api_me_status(stolen) == 401
    assert client.get("/me/").status_code == 200  # this session stays signed in
    assert _api_me_status(_token("tara@example.org", NEW_PASSWORD)) == 200  # a fresh sign-in works


def test_a_wrong_current_password_leaves_the_token_alone(client: Client) -> None:
    user = UserFactory(email="tara@example.org")
    token = _token("tara@example.org", DEFAULT_PASSWORD)
    client.force_login(user, backend="profiles.backends.EmailBackend")

    response = client.post(
        "/me/password/", {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert _api_me_status(token) == 200


def test_resetting_the_password_by_email_signs_out_the_api_token_too(client: Client) -> None:
    user = UserFactory(email="tara@example.org")
    stolen = _token("tara@example.org", DEFAULT_PASSWORD)
    other = UserFactory(email="omar@example.org")
    others_token = _token("omar@example.org", DEFAULT_PASSWORD)
    uid = urlsafe_base64_encode(force_bytes(user.pk))

    landing = client.get(f"/password-reset/{uid}/{default_token_generator.make_token(user)}/", follow=True)
    response = client.post(
        landing.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/password-reset/done/"
    assert _api_me_status(stolen) == 401
    assert _api_me_status(others_token) == 200  # only that person's tokens
    assert other.pk != user.pk


def test_a_superuser_setting_a_password_in_the_admin_signs_out_the_api_token_too(client: Client) -> None:
    user = UserFactory(email="tara@example.org")
    stolen = _token("tara@example.org", DEFAULT_PASSWORD)
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin, backend="profiles.backends.EmailBackend")

    response = client.post(
        f"/admin/profiles/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert _api_me_status(stolen) == 401
