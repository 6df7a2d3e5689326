"""An admin page for rows that only the services write: coordinators read them there, nobody adds, edits or deletes
them, a superuser included (a plain save would skip what the service does alongside: reminders, claims, history)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class WrittenByServices:
    """Mix into a ModelAdmin or an inline (before it): the list, each row's page and the inline stay readable; admin
    actions that call a service (with their own permission) still work."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
