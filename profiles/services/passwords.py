"""Setting a person's password, in every flow that does (a reset link, a change while signed in). Who may set it
is the caller's to check first: the current password, the reset link's token."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.errors import ApplicationError
from profiles.models import User
from profiles.services.email_confirmation import email_confirm
from profiles.services.tokens import token_revoke


class PasswordInvalid(ApplicationError):
    """The password validators' refusal (too short, too common, …); `fields["password"]` lists each."""

    code = "password_invalid"


@transaction.atomic
def user_password_set(*, user: User, password: str, by_reset_link: bool = False) -> User:
    """Give `user` this password and revoke their API token: a token is as good as the password it was taken with,
    so it must stop working with it. `by_reset_link`: the person came through the link a reset e-mailed to their
    address, which proves they own it as the confirmation link would, so the address is confirmed too.

    Raises PasswordInvalid (nothing changed) for a password AUTH_PASSWORD_VALIDATORS refuse."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise PasswordInvalid(" ".join(error.messages), fields={"password": list(error.messages)}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    token_revoke(user=user)
    if by_reset_link:
        email_confirm(user=user, address=user.email)
    return user
