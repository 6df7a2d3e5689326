"""Fields an admin list never filters on from the address bar.

Django lets a changelist filter on any field of its model through the URL, listed as a filter or not: a row listed
or not for `?field__istartswith=…` spells the field out one character at a time. For a secret (a password, an API
token), a private note or a flag hidden from some readers, that is a leak; such lookups are refused (Django answers
400), however they are spelled."""

from __future__ import annotations

from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest


class NoLookupsOn:
    """Mix into a ModelAdmin (before it) and name the fields in `lookups_refused`."""

    lookups_refused: frozenset[str] = frozenset()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.split(LOOKUP_SEP)[0] in self.lookups_refused:
            return False
        allowed: bool = super().lookup_allowed(lookup, value, request)  # type: ignore[misc]
        return allowed
