"""Confirming an account's e-mail address: the link sent at sign-up, "send it again", the API, the admin.

Tried: a link only opened (as mail scanners do: confirms nothing), confirmed twice, signed in or not, or in
someone else's browser; a tampered, truncated or week-old link; a link to an address the account no longer has,
also when the address changes between the check and the write; a deactivated account's link; asking again within
a minute and a sixth time in a day; many sign-ups from one network; a mail server that refuses (the account stays,
asking again works at once); an outside `next`; GET instead of POST; an anonymous caller. None of the refusals
confirms anything.
"""

from __future__ import annotations

import re
import smtplib
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from profiles.models import User
from profiles.services.email_confirmation import LINK_VALID_DAYS, confirmation_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-2026"
BANNER = "Please confirm your e-mail address"


def _sign_up(client: Client, email: str = "Nia.Newcomer@Example.org", path: str = "/signup/") -> Any:
    return client.post(
        path,
        {"full_name": "Nia Newcomer", "email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def _link_path(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/confirm-email/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def _confirm(client: Client, path: str) -> Any:
    """Open the link, then press its button, as a person does."""
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my address" in page.content.decode()
    return client.post(path)


def _unconfirmed(**kwargs: Any) -> User:
    return UserFactory(email_confirmed_at=None, **kwargs)  # type: ignore[no-any-return]


def test_signing_up_sends_a_link_and_every_page_asks_for_it_until_it_is_opened(client: Client) -> None:
    page = _sign_up(client).content.decode()
    assert "We sent a link to nia.newcomer@example.org" in page
    assert BANNER in page
    user = User.objects.get(email="nia.newcomer@example.org")
    assert not user.email_confirmed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nia.newcomer@example.org"]
    assert message.subject == "Confirm your e-mail address for Mentorship"
    assert f"works for {LINK_VALID_DAYS} days" in message.body

    assert "Nia" not in message.body  # nothing typed at sign-up goes into a mail to an address maybe not theirs
    confirmed = _confirm(client, _link_path(message))
    assert confirmed.status_code == 200
    assert "Your e-mail address is confirmed" in confirmed.content.decode()
    assert BANNER not in confirmed.content.decode()  # not even on the page that confirmed it
    # With no profile yet, the next step is a profile: "Go to my profile" cost a page to find that button.
    assert f'href="{reverse("profiles-trainee-edit")}">Create my trainee profile</a>' in confirmed.content.decode()
    assert "Go to my profile" not in confirmed.content.decode()
    user.refresh_from_db()
    first = user.email_confirmed_at
    assert first is not None
    assert BANNER not in client.get("/me/").content.decode()

    # Confirming again (a second click) is harmless and keeps the first time.
    assert _confirm(client, _link_path(message)).status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed_at == first


def test_only_opening_the_link_as_a_mail_scanner_does_confirms_nothing(client: Client) -> None:
    user = _unconfirmed()
    path = f"/confirm-email/{confirmation_token(user)}/"
    for _ in range(3):
        assert Client().get(path).status_code == 200
        assert Client().head(path).status_code == 200
    user.refresh_from_db()
    assert not user.email_confirmed
    assert Client().put(path).status_code == 405


def test_the_confirm_page_shows_only_its_button_not_the_reminder_to_confirm(client: Client) -> None:
    # Signed in and unconfirmed, the page showed "Please confirm … Send the link again" above "Confirm my address".
    user = _unconfirmed()
    client.force_login(user)
    page = client.get(f"/confirm-email/{confirmation_token(user)}/").content.decode()
    assert "Confirm my address" in page
    assert "Send the link again" not in page
    assert "Send the link again" in client.get("/").content.decode()  # every other page still reminds them


def test_a_link_confirms_nothing_when_the_address_changes_between_the_check_and_the_write() -> None:
    from profiles.services.email_confirmation import email_confirm

    user = _unconfirmed(email="old@example.org")
    User.objects.filter(pk=user.pk).update(email="new@example.org")  # a coordinator's edit, just before the write
    assert not email_confirm(user=user, address="old@example.org").email_confirmed
    assert User.objects.get(pk=user.pk).email_confirmed_at is None


def test_the_link_works_in_a_browser_where_nobody_is_signed_in(client: Client) -> None:
    user = _unconfirmed(email="on.phone@example.org")
    response = _confirm(Client(), f"/confirm-email/{confirmation_token(user)}/")
    assert response.status_code == 200
    assert 'href="/login/"' in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed


@pytest.mark.parametrize("mangle", [lambda t: t[:-3], lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x"])
def test_a_tampered_or_truncated_link_confirms_nothing(client: Client, mangle: Any) -> None:
    user = _unconfirmed()
    response = client.post(f"/confirm-email/{mangle(confirmation_token(user))}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed


def test_a_link_older_than_a_week_has_expired(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    user = _unconfirmed()
    token = confirmation_token(user)
    later = time.time() + LINK_VALID_DAYS * 24 * 3600 + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.post(f"/confirm-email/{token}/")
    assert response.status_code == 400
    assert f"more than {LINK_VALID_DAYS} days old" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed


def test_a_link_sent_to_an_earlier_address_does_not_confirm_the_new_one() -> None:
    user = _unconfirmed(email="old@example.org", full_name="Olga Old")
    token = confirmation_token(user)
    user.email = "new@example.org"
    user.save(update_fields=["email"])
    response = Client().post(f"/confirm-email/{token}/")
    assert response.status_code == 400
    assert "no longer has" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed


def test_a_deactivated_accounts_link_confirms_nothing(client: Client) -> None:
    user = _unconfirmed(is_active=False)
    assert client.post(f"/confirm-email/{confirmation_token(user)}/").status_code == 400
    user.refresh_from_db()
    assert not user.email_confirmed


def test_send_it_again_mails_a_new_link_back_to_the_same_page_once_a_minute(login: Any) -> None:
    user = _unconfirmed(email="slow.reader@example.org")
    client = login(user)
    assert BANNER in client.get("/mentors/").content.decode()

    response = client.post("/me/confirm-email/", {"next": "/mentors/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/mentors/?page=2"
    assert len(mail.outbox) == 1
    again = client.post("/me/confirm-email/", {"next": "/mentors/"}, follow=True).content.decode()
    assert "less than a minute ago" in again
    assert len(mail.outbox) == 1  # no second e-mail

    _confirm(client, _link_path(mail.outbox[0]))
    user.refresh_from_db()
    assert user.email_confirmed


def test_at_most_five_links_a_day_go_to_one_account(login: Any) -> None:
    from django.core.cache import cache

    user = _unconfirmed(email="flooded@example.org")
    client = login(user)
    for _ in range(5):
        client.post("/me/confirm-email/")
        cache.delete(f"email-confirmation-sent:{user.pk}")  # as if a minute had passed
    page = client.post("/me/confirm-email/", follow=True).content.decode()
    assert "5 confirmation links went to flooded@example.org today" in page
    assert len(mail.outbox) == 5


def test_one_network_can_create_only_so_many_accounts_an_hour_but_invited_sign_ups_always_work(
    client: Client, settings: Any
) -> None:
    from profiles.services.email_confirmation import signup_path

    settings.SIGN_UPS_PER_NETWORK_PER_HOUR = 3
    for number in range(3):
        assert _sign_up(Client(), f"person{number}@example.org").status_code == 200
    refused = client.post(
        "/signup/",
        {"full_name": "One More", "email": "one.more@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert refused.status_code == 429
    assert "Too many accounts were created from your network" in refused.content.decode()
    assert not User.objects.filter(email="one.more@example.org").exists()
    assert len(mail.outbox) == 3

    # A cohort signing up from its invitation e-mails on the hospital's one address sends nothing: not counted.
    for number in range(5):
        _sign_up(Client(), f"invited{number}@example.org", path=signup_path(f"invited{number}@example.org"))
    assert User.objects.filter(email__startswith="invited", email_confirmed_at__isnull=False).count() == 5


def test_an_ipv6_network_is_its_64_and_zero_means_no_limit(client: Client, settings: Any) -> None:
    settings.SIGN_UPS_PER_NETWORK_PER_HOUR = 1
    assert _sign_up(Client(REMOTE_ADDR="2001:db8:1:2::10"), "a@example.org").status_code == 200
    assert _sign_up(Client(REMOTE_ADDR="2001:db8:1:2::99"), "b@example.org").status_code == 429  # same /64
    assert _sign_up(Client(REMOTE_ADDR="2001:db8:1:3::10"), "c@example.org").status_code == 200  # another /64
    settings.SIGN_UPS_PER_NETWORK_PER_HOUR = 0
    assert _sign_up(Client(REMOTE_ADDR="2001:db8:1:2::99"), "d@example.org").status_code == 200


@pytest.mark.parametrize("persona", ["trainee", "mentor", "coordinator"])
def test_every_kind_of_person_with_an_unconfirmed_address_can_ask_for_the_link(
    login: Any, persona: str, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(persona)
    user = getattr(person, "user", person)
    User.objects.filter(pk=user.pk).update(email_confirmed_at=None)
    client = login(User.objects.get(pk=user.pk))
    assert BANNER in client.get("/").content.decode()
    client.post("/me/confirm-email/")
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_send_it_again_never_redirects_off_the_site_and_only_sends_on_a_post(login: Any) -> None:
    client = login(_unconfirmed())
    response = client.post("/me/confirm-email/", {"next": "https://evil.example/"})
    assert response["Location"] == "/me/"
    sent = len(mail.outbox)
    opened = client.get("/me/confirm-email/")  # e.g. the log-in page sending someone back: no bare 405, no e-mail
    assert (opened.status_code, opened["Location"]) == (302, "/me/")
    assert len(mail.outbox) == sent
    anonymous = Client().post("/me/confirm-email/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")


def test_a_confirmed_person_sees_no_reminder_and_is_sent_nothing(login: Any, trainee: Any) -> None:
    client = login(trainee.user)
    assert BANNER not in client.get("/me/").content.decode()
    page = client.post("/me/confirm-email/", {"next": "/me/"}, follow=True).content.decode()
    assert "is confirmed already" in page
    assert mail.outbox == []


def test_when_the_mail_server_refuses_the_account_stays_and_asking_again_works_at_once(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("profiles.services.email_confirmation.send_mail", refuse)
    page = _sign_up(client).content.decode()
    assert "could not send the confirmation e-mail" in page
    assert User.objects.filter(email="nia.newcomer@example.org").exists()
    assert BANNER in page

    monkeypatch.undo()
    client.post("/me/confirm-email/", {"next": "/"})
    assert len(mail.outbox) == 1  # not held back by the minute's limit: nothing had gone out


def test_resetting_the_password_by_e_mail_confirms_the_address(client: Client) -> None:
    user = _unconfirmed(email="reset.me@example.org")
    client.post("/password-reset/", {"email": "reset.me@example.org"})
    found = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert found
    form_url = client.get(found.group(1))["Location"]
    new = "a-brand-new-passphrase-42"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)
    assert user.email_confirmed


def test_a_superuser_made_on_the_command_line_is_confirmed_a_plain_new_account_is_not() -> None:
    assert User.objects.create_superuser(email="root@example.org", password=PASSWORD, full_name="Root").email_confirmed
    assert not User.objects.create_user(email="plain@example.org", password=PASSWORD, full_name="P").email_confirmed


def test_the_sign_up_form_cannot_be_used_to_check_address_after_address_for_an_account(
    client: Client, settings: Any
) -> None:
    """ "An account with this e-mail already exists" tells whoever asks that this person uses the site. Every other
    page keeps that to itself, and this one answered without limit: now one network gets as many such answers an
    hour as it may create accounts, then the same refusal whatever the address."""
    settings.SIGN_UPS_PER_NETWORK_PER_HOUR = 3
    for number in range(4):
        User.objects.create_user(email=f"doctor{number}@example.org", password=PASSWORD, full_name=f"Dr {number}")
    for number in range(3):
        answer = _sign_up(Client(), f"doctor{number}@example.org")
        assert "already exists" in answer.content.decode()
    probe = _sign_up(Client(), "doctor3@example.org")
    assert probe.status_code == 429
    assert "already exists" not in probe.content.decode()
    assert "Too many sign-ups from your network" in probe.content.decode()
    # Someone new on that network still signs up: the probes did not use up the accounts it may create.
    assert _sign_up(Client(), "new.person@example.org").status_code == 200
    assert User.objects.filter(email="new.person@example.org").exists()
