"""Log in by e-mail, case-insensitively."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        # Accept `email=` too: the API token endpoint posts an e-mail field.
        return super().authenticate(request, username=username or kwargs.get("email"), password=password)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Lock out per e-mail address however it was typed, from a form (username) or the API (email)."""
    credentials = credentials or {}
    raw = credentials.get("username") or credentials.get("email")
    if raw is None and request is not None:
        raw = request.POST.get("username") or request.POST.get("email")
    return str(raw or "").strip().lower()
