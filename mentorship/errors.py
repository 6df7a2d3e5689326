"""Domain errors. Services raise them; the HTML views show the message and the API maps them in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Model


class ApplicationError(Exception):
    """A refusal the user can understand. `code` is stable (clients switch on it), `message` is for people.

    `existing` is the object the refused request would have duplicated (a create sent again after a lost
    response): the API names it in the error body and the `Location` header, so a client can carry on with it.
    """

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        existing: Model | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields or {}
        self.existing = existing


class Conflict(ApplicationError):
    """The request is well formed but the current state forbids it (full mentor, duplicate, already decided)."""

    code = "conflict"
    status = 409


class NotAllowed(ApplicationError):
    code = "permission_denied"
    status = 403
