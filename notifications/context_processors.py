"""The unread count for the bell in the navigation bar (one COUNT query per page for a signed-in person)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from notifications.models import Notification


def inbox(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "inbox_url": reverse("notifications-inbox"),
        "inbox_unread_count": Notification.objects.unread_for(user).count(),
    }
