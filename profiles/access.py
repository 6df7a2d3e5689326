"""The signed-in person of a request, typed: one helper for the pages, the admin and the API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from profiles.models import User


def signed_in_user(request: HttpRequest | Request) -> User:
    """For code only signed-in people reach (`login_required`, the admin, DRF's `IsAuthenticated`). Anyone else is
    refused (403) rather than handed on as an AnonymousUser that a filter on `user` would quietly match nothing
    with — or, `assert`ed, let through when Python runs with -O."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user
