"""Password reset by e-mail: Django's views and tokens with our templates."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from profiles.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase-42"


def test_the_login_page_links_to_password_reset(client: Client) -> None:
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()


def test_a_reset_email_goes_out_and_its_link_sets_a_new_password(client: Client) -> None:
    user = UserFactory(email="reset.me@example.org", full_name="Rita Reset")
    response = client.post("/password-reset/", {"email": "Reset.Me@Example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reset.me@example.org"]
    assert message.subject == "Reset your Mentorship password"
    match = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body

    # Django swaps the token for a session marker and redirects to the set-password form.
    landing = client.get(match.group(1))
    assert landing.status_code == 302
    form_url = landing["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/password-reset/done/"

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert Client().post("/login/", {"username": "reset.me@example.org", "password": NEW_PASSWORD}).status_code == 302
    # The link works once.
    assert "no longer works" in client.get(match.group(1), follow=True).content.decode()


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(client: Client) -> None:
    user = UserFactory(email="weak@example.org")
    client.post("/password-reset/", {"email": "weak@example.org"})
    path = re.search(r"http://testserver(/password-reset/\S+/\S+/)", mail.outbox[0].body)
    assert path
    form_url = client.get(path.group(1))["Location"]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-staple")


def test_an_unknown_address_gets_the_same_answer_and_no_email(client: Client) -> None:
    response = client.post("/password-reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []
    assert not User.objects.exists()


def test_the_form_cannot_flood_someone_s_inbox_with_reset_links(client: Client, settings: object) -> None:
    """Anyone can type someone else's address into the form: past the hourly limit it sends nothing more, and the
    answer stays word for word the same (it tells nobody whether the address has an account)."""
    UserFactory(email="victim@example.org")
    answers = [client.post("/password-reset/", {"email": "victim@example.org"}, follow=True) for _ in range(10)]
    assert len(mail.outbox) == 3
    assert {a.content for a in answers} == {answers[0].content}
    assert "at most 3 links an hour" in answers[0].content.decode()
    # An unknown address gets that same page.
    unknown = client.post("/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert unknown.content == answers[0].content
    # Another person's limit is their own.
    UserFactory(email="someone.else@example.org")
    client.post("/password-reset/", {"email": "someone.else@example.org"})
    assert len(mail.outbox) == 4


def test_reset_links_can_be_asked_for_again_once_the_hour_is_over(client: Client, monkeypatch: Any) -> None:
    """The window is the cache's own expiry (Redis in CI), so the test shortens it rather than moving a clock."""
    monkeypatch.setattr("profiles.passwords.RESET_WINDOW_SECONDS", 3)  # the four asks fit in it
    UserFactory(email="patient@example.org")
    for _ in range(4):
        client.post("/password-reset/", {"email": "patient@example.org"})
    assert len(mail.outbox) == 3
    time.sleep(3.2)
    client.post("/password-reset/", {"email": "patient@example.org"})
    assert len(mail.outbox) == 4


# --- Changing the password while signed in --------------------------------------------------------------------


def test_a_signed_in_person_changes_their_password_from_their_profile(client: Client) -> None:
    """Someone who fears their password is known changes it; every other session of theirs is signed out."""
    user = UserFactory(email="changer@example.org")
    elsewhere = Client()
    elsewhere.force_login(user, backend="profiles.backends.EmailBackend")
    assert client.post("/login/", {"username": "changer@example.org", "password": "correct-horse-battery-staple"})
    assert 'href="/me/password/"' in client.get("/me/").content.decode()

    done = client.post(
        "/me/password/",
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/me/"
    assert "Your password is changed" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # This session stays signed in; the other one is signed out.
    assert client.get("/me/").status_code == 200
    assert elsewhere.get("/me/")["Location"].startswith("/login/")


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(client: Client) -> None:
    user = UserFactory(email="careful@example.org")
    client.force_login(user, backend="profiles.backends.EmailBackend")
    wrong = client.post(
        "/me/password/",
        {"old_password": "not-my-password-at-all", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    weak = client.post(
        "/me/password/",
        {"old_password": "correct-horse-battery-staple", "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-staple")


def test_the_change_password_page_needs_a_signed_in_person(client: Client) -> None:
    assert client.get("/me/password/")["Location"] == "/login/?next=/me/password/"


def test_guessing_the_current_password_on_the_change_page_is_stopped_like_log_in(client: Client) -> None:
    """Someone who finds a session left open must not learn the password by trying it on the change page (which,
    unlike the log-in, checked it as often as asked): after five wrong tries even the right one is refused."""
    user = UserFactory(email="left.open@example.org")
    client.force_login(user, backend="profiles.backends.EmailBackend")

    def change(old: str) -> Any:
        return client.post(
            "/me/password/", {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

    for attempt in range(5):
        assert change(f"guess-number-{attempt}").status_code == 400
    refused = change("correct-horse-battery-staple")
    assert refused.status_code == 400
    assert "Too many wrong passwords" in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-staple")


def test_the_reset_form_answers_without_sending_so_its_speed_tells_nothing(client: Client, monkeypatch: Any) -> None:
    """The answer is the same for every address, but it sent the e-mail before answering, and only for an account:
    a mail server's second or so made "this address has an account" measurable. The request now hands the sending
    to the worker (the account's id, the site's address; no token, no e-mail address in the queue)."""
    from profiles import tasks

    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", lambda *args: queued.append(args))
    user = UserFactory(email="queued@example.org")
    response = client.post("/password-reset/", {"email": "queued@example.org"})
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []
    assert queued == [(user.pk, "testserver", False)]

    tasks.send_password_reset.apply(args=queued[0])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["queued@example.org"]
    assert re.search(r"http://testserver/password-reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
    # An account deactivated meanwhile is sent nothing.
    user.is_active = False
    user.save()
    tasks.send_password_reset.apply(args=queued[0])
    assert len(mail.outbox) == 1


def test_with_the_task_queue_down_the_reset_email_still_goes_out(client: Client, monkeypatch: Any) -> None:
    """Tried: Redis stopped while someone asks for a reset link. Queuing the e-mail raised, so the form answered a
    server error for a real account only (and nothing was sent); now it is sent at once and the answer is the same."""
    from kombu.exceptions import OperationalError

    def queue_down(*args: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("profiles.tasks.send_password_reset.delay", queue_down)
    UserFactory(email="queue.down@example.org")
    response = client.post("/password-reset/", {"email": "queue.down@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert re.search(r"http://testserver/password-reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
