"""Setting a password through `user_password_set`, the one write behind the reset link and the change page.

Tried: a reset by link (confirms the address) and a change while signed in (does not), a password the validators
refuse, a failure half-way through, and an account edited elsewhere while the password was being chosen.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from profiles.models import User
from profiles.services import PasswordInvalid, token_issue, user_password_set
from tests.factories import UserFactory
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase-7"


def _stored(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_it_sets_the_password_and_revokes_the_api_token() -> None:
    user = UserFactory(email="tara@example.org")
    token_issue(user=user)

    user_password_set(user=user, password=NEW_PASSWORD)

    stored = _stored(user)
    assert stored.check_password(NEW_PASSWORD)
    assert not stored.check_password(DEFAULT_PASSWORD)
    assert not Token.objects.filter(user=user).exists()


def test_a_reset_link_confirms_the_address_it_was_sent_to() -> None:
    user = UserFactory(email="dean@uni.edu", email_confirmed_at=None)

    user_password_set(user=user, password=NEW_PASSWORD, by_reset_link=True)

    assert _stored(user).email_confirmed
    assert user.email_confirmed  # the caller's copy says so too


def test_a_change_while_signed_in_leaves_the_address_unconfirmed() -> None:
    # Knowing the password proves nothing about the address: anyone can sign up with anyone's.
    user = UserFactory(email="dean@uni.edu", email_confirmed_at=None)

    user_password_set(user=user, password=NEW_PASSWORD)

    assert not _stored(user).email_confirmed


def test_an_address_confirmed_earlier_keeps_the_date_it_was_first_confirmed() -> None:
    first = timezone.now() - timedelta(days=30)
    user = UserFactory(email="tara@example.org", email_confirmed_at=first)

    user_password_set(user=user, password=NEW_PASSWORD, by_reset_link=True)

    assert _stored(user).email_confirmed_at == first


@pytest.mark.parametrize(
    ("password", "said"),
    [
        ("short-7", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("123456789012345", "This password is entirely numeric."),
        ("dean.maybe@uni.edu", "The password is too similar to the e-mail address."),
    ],
)
def test_a_password_the_validators_refuse_raises_with_the_reason_and_changes_nothing(password: str, said: str) -> None:
    user = UserFactory(email="dean.maybe@uni.edu", email_confirmed_at=None)
    token = token_issue(user=user)

    with pytest.raises(PasswordInvalid) as refused:
        user_password_set(user=user, password=password, by_reset_link=True)

    assert said in refused.value.message
    assert said in refused.value.fields["password"]
    stored = _stored(user)
    assert stored.check_password(DEFAULT_PASSWORD)
    assert not stored.email_confirmed
    assert Token.objects.filter(pk=token.pk).exists()


def test_a_failure_after_the_password_is_written_leaves_the_old_password_and_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One transaction: a new password with the old token still working must never be what is left.
    user = UserFactory(email="tara@example.org")
    token = token_issue(user=user)

    def confirm_fails(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("profiles.services.passwords.email_confirm", confirm_fails)
    with pytest.raises(RuntimeError):
        user_password_set(user=user, password=NEW_PASSWORD, by_reset_link=True)

    assert _stored(user).check_password(DEFAULT_PASSWORD)
    assert Token.objects.filter(pk=token.pk).exists()


def test_it_writes_only_the_password_not_what_was_edited_elsewhere_meanwhile() -> None:
    # The reset form holds the account as it was when the link was opened; a coordinator may have renamed it since.
    user = UserFactory(email="tara@example.org", full_name="Tara Trainee")
    User.objects.filter(pk=user.pk).update(full_name="Dr Tara Trainee")

    user_password_set(user=user, password=NEW_PASSWORD)

    assert _stored(user).full_name == "Dr Tara Trainee"
