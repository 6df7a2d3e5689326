"""Reads of the outbox that depend on who asks."""

from __future__ import annotations

from notifications.models import Notification, NotificationQuerySet
from profiles.models import User


def inbox_list(*, user: User) -> NotificationQuerySet:
    # Each message's subject and link are rendered with its recipient (the user): joined, not one query per row.
    return Notification.objects.inbox_for(user).select_related("recipient").order_by("-due_at", "-pk")
