"""Log in by e-mail, case-insensitively."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from profiles.sign_in import NETWORK_LOCKED_OUT, refusal_for


class EmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is not None and refusal_for(request) is not None:
            # The network used up its failed sign-ins this hour: no password is checked, the right one included.
            raise PermissionDenied(NETWORK_LOCKED_OUT)
        # Accept `email=` too: the API token endpoint posts an e-mail field.
        return super().authenticate(request, username=username or kwargs.get("email"), password=password)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Lock out per e-mail address however it was typed, from a form (username) or the API (email)."""
    credentials = credentials or {}
    raw = credentials.get("username") or credentials.get("email")
    if raw is None and request is not None:
        raw = request.POST.get("username") or request.POST.get("email")
    return str(raw or "").strip().lower()
