"""Every write to people and profiles goes through here."""

from __future__ import annotations

from django.db import transaction

from profiles.models import User


@transaction.atomic
def user_sign_up(*, email: str, full_name: str, password: str) -> User:
    return User.objects.create_user(email=email, password=password, full_name=full_name.strip())
