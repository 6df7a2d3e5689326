"""API tokens (rest_framework.authtoken): one per person, issued at token sign-in and revoked with every change or
reset of the password, since a token is as good as the password."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from profiles.models import User


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """The user's API token; the same one until they revoke it (one token per person)."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()
