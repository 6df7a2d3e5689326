"""Confirming an e-mail address through the API, and what coordinators and superusers see and change in the admin.

Tried: asking twice within a minute, a confirmed address, a bad or missing token, an anonymous caller; in the
admin, who has not confirmed, the same address in capitals (not a new address), a new address, an account added by
a superuser.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from profiles.models import User
from profiles.services.email_confirmation import confirmation_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-2026"


def _unconfirmed(**kwargs: Any) -> User:
    return UserFactory(email_confirmed_at=None, **kwargs)  # type: ignore[no-any-return]


def _link_path(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/confirm-email/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


# --- The API -------------------------------------------------------------------------------------------------


def _api(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_says_whether_my_address_is_confirmed_and_sends_the_link(trainee: Any) -> None:
    user = _unconfirmed(email="api.person@example.org")
    api = _api(user)
    assert api.get("/api/v1/me/").json()["email_confirmed"] is False
    assert api.post("/api/v1/me/email-confirmation/").status_code == 204
    assert len(mail.outbox) == 1
    too_soon = api.post("/api/v1/me/email-confirmation/")
    assert too_soon.status_code == 429
    assert too_soon.json()["error"]["code"] == "confirmation_sent_recently"

    token = _link_path(mail.outbox[0]).split("/")[2]
    confirmed = APIClient().post("/api/v1/email-confirmation/", {"token": token}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json() == {"email": "api.person@example.org", "email_confirmed": True}
    user.refresh_from_db()  # force_authenticate holds this instance; a token client reads the row each time
    assert api.get("/api/v1/me/").json()["email_confirmed"] is True
    already = _api(trainee.user).post("/api/v1/me/email-confirmation/")
    assert (already.status_code, already.json()["error"]["code"]) == (400, "email_already_confirmed")


def test_the_api_refuses_a_bad_token_and_anonymous_requests_for_a_link() -> None:
    user = _unconfirmed()
    bad = APIClient().post("/api/v1/email-confirmation/", {"token": confirmation_token(user)[:-2]}, format="json")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "confirmation_link_invalid")
    missing = APIClient().post("/api/v1/email-confirmation/", {}, format="json")
    assert missing.status_code == 400
    assert APIClient().post("/api/v1/me/email-confirmation/").status_code == 401
    user.refresh_from_db()
    assert not user.email_confirmed


# --- The admin -------------------------------------------------------------------------------------------------


def test_a_coordinator_sees_who_has_not_confirmed(login: Any, coordinator: Any, trainee: Any) -> None:
    from tests.factories import ProgramFactory, TraineeProfileFactory

    waiting = _unconfirmed(email="waiting@example.org")
    # People of the coordinator's program: the admin shows a coordinator no one else (test_admin_scope.py).
    program = ProgramFactory(coordinators=[coordinator])
    program.trainees.add(trainee, TraineeProfileFactory(user=waiting))
    listed = login(coordinator).get("/admin/profiles/user/?email_confirmed=no").content.decode()
    assert waiting.email in listed
    assert trainee.user.email not in listed


def test_an_address_a_superuser_changes_must_be_confirmed_again(
    client: Client, trainee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Coordinators cannot change addresses (tests/profiles/test_admin.py); superusers can, with the same rule.
    client.force_login(UserFactory(is_staff=True, is_superuser=True), backend="profiles.backends.EmailBackend")
    user = trainee.user
    form = {"email": user.email.upper(), "full_name": user.full_name, "is_active": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/profiles/user/{user.pk}/change/", form).status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed  # the same address in capitals is not a new one
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/profiles/user/{user.pk}/change/",
            {"email": "tara.new@example.org", "full_name": user.full_name, "is_active": "on"},
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_confirmed) == ("tara.new@example.org", False)
    assert [m.to for m in mail.outbox] == [["tara.new@example.org"]]
    assert user.email in client.get("/admin/profiles/user/?email_confirmed=no").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the link leaves when the admin commits
def test_an_account_a_superuser_adds_in_the_admin_is_sent_the_link_and_told_so(client: Client) -> None:
    User.objects.create_superuser(email="root@example.org", password=PASSWORD, full_name="Root")
    client.force_login(User.objects.get(email="root@example.org"), backend="profiles.backends.EmailBackend")
    response = client.post(
        "/admin/profiles/user/add/",
        {"email": "Added@Example.org", "full_name": "Ada Added", "usable_password": "false"},
        follow=True,
    )
    assert "A link to confirm the address went to added@example.org." in response.content.decode()
    added = User.objects.get(email="added@example.org")
    assert not added.email_confirmed
    assert [m.to for m in mail.outbox] == [["added@example.org"]]
