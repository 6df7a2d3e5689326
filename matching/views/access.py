"""The signed-in person behind a request (views are all behind login_required)."""

from __future__ import annotations

from django.http import HttpRequest

from profiles.models import User


def signed_in(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users through
        raise PermissionError("Not signed in.")
    return user
