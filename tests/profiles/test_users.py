from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory

from profiles.models import Specialty, User


@pytest.mark.django_db
def test_email_is_stored_lowercase_and_login_ignores_case(client: Client) -> None:
    User.objects.create_user(email="Ada.Lovelace@Example.ORG", password="a-long-enough-passphrase", full_name="Ada")
    assert User.objects.get().email == "ada.lovelace@example.org"
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="ADA.lovelace@example.org", password="a-long-enough-passphrase") is not None


@pytest.mark.django_db
def test_a_wrong_password_says_only_the_password_is_case_sensitive(client: Client) -> None:
    # Tried: the message said both fields "may be case-sensitive", but any case of the e-mail logs in.
    User.objects.create_user(email="maya@example.org", password="a-long-enough-passphrase", full_name="Maya")
    response = client.post("/login/", {"username": "MAYA@example.org", "password": "Wrong-password-1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a correct e-mail and password. The password is case-sensitive; the e-mail is not." in body
    assert "both fields may be case-sensitive" not in body
    admin = client.post("/admin/login/", {"username": "maya@example.org", "password": "Wrong-password-1"})
    assert "The password is case-sensitive; the e-mail is not." in admin.content.decode()
    assert "both fields may be case-sensitive" not in admin.content.decode()


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_email_in_different_case() -> None:
    User.objects.create_user(email="sam@example.org", password="x", full_name="Sam")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="SAM@example.org", full_name="Sam again")


@pytest.mark.django_db
def test_the_taxonomy_has_the_acgme_core_specialties_with_subspecialties_under_their_parent() -> None:
    core = Specialty.objects.filter(is_acgme_core=True)
    assert core.count() >= 26
    assert {"Internal Medicine", "General Surgery", "Pediatrics", "Psychiatry", "Emergency Medicine"} <= set(
        core.values_list("name", flat=True)
    )
    assert Specialty.objects.get(name="Cardiology").parent == Specialty.objects.get(name="Internal Medicine")


@pytest.mark.django_db
def test_signup_creates_an_account_and_signs_in(client: Client) -> None:
    response = client.post(
        "/signup/",
        {
            "full_name": "New Trainee",
            "email": "New@Example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.org").exists()
    assert client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "too short"), ("password1234", "too common"), ("12345678901234", "entirely numeric")],
)
def test_signup_refuses_weak_passwords_and_saves_nothing(client: Client, password: str, message: str) -> None:
    response = client.post(
        "/signup/", {"full_name": "Weak", "email": "weak@example.org", "password1": password, "password2": password}
    )
    assert response.status_code == 400  # refused: the page again, with why
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_refuses_an_email_that_exists_in_another_case(client: Client) -> None:
    User.objects.create_user(email="taken@example.org", password="x", full_name="First")
    response = client.post(
        "/signup/",
        {
            "full_name": "Second",
            "email": "TAKEN@example.org",
            "password1": "a-long-passphrase!",
            "password2": "a-long-passphrase!",
        },
    )
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client: Client) -> None:
    User.objects.create_user(email="locked@example.org", password="the-right-passphrase", full_name="L")
    for _ in range(5):
        client.post("/login/", {"username": "locked@example.org", "password": "wrong-wrong-wrong"})
    response = client.post("/login/", {"username": "locked@example.org", "password": "the-right-passphrase"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "Bob\r\nURGENT: your account is locked, sign in at https://evil.example",  # a forged line in e-mails
        "Bob\tBuilder",
        "Dr \u202eleteP ayaM",  # right-to-left override: shows as another name
    ],
)
def test_a_name_with_line_breaks_or_control_characters_is_refused_everywhere(
    client: Client, name: str, rf: RequestFactory
) -> None:
    """A name is shown to others in their e-mails' plain text, where a line break in it started a new line of text
    that seemed to come from us; a direction override made it read as someone else's name."""
    from django.core.exceptions import ValidationError

    from profiles.services import user_sign_up, user_update

    password = "a-long-enough-passphrase"
    response = client.post(
        "/signup/", {"full_name": name, "email": "x@example.org", "password1": password, "password2": password}
    )
    assert "A name cannot contain line breaks, tabs or other control characters." in response.content.decode()
    assert not User.objects.exists()
    with pytest.raises(ValidationError):
        user_sign_up(email="y@example.org", full_name=name, password=password)
    user = User.objects.create_user(email="z@example.org", password=password, full_name="Zed")
    with pytest.raises(ValidationError):
        user_update(user=user, data={"full_name": name})
    user.refresh_from_db()
    assert user.full_name == "Zed"


@pytest.mark.django_db
def test_names_in_any_script_still_sign_up(client: Client) -> None:
    password = "a-long-enough-passphrase"
    for n, name in enumerate(["José Ñúñez-O'Brien", "محمد رضا\u200cپور", "李小龍", "Anna-Lena Müller"]):
        response = client.post(
            "/signup/", {"full_name": name, "email": f"p{n}@example.org", "password1": password, "password2": password}
        )
        assert response.status_code == 302, response.content.decode()
        Client().logout()
        client.logout()
    assert User.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "///evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        " //evil.example",
    ],
)
def test_logging_in_never_sends_someone_to_another_site(target: str) -> None:
    """A link to /login/?next=… in a phishing e-mail must not land the person, signed in, on someone else's site;
    the session is a new one (any session id planted before the log-in is worthless after it)."""
    User.objects.create_user(email="ada@example.org", password="a-long-enough-passphrase", full_name="Ada")
    client = Client()
    planted = client.session
    planted["visited"] = True
    planted.save()
    before = client.session.session_key
    assert before is not None
    response = client.post(
        f"/login/?next={target}",
        {"username": "ada@example.org", "password": "a-long-enough-passphrase", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.session_key != before
