"""Reads of the outbox that depend on who asks."""

from __future__ import annotations

from notifications.models import Notification, NotificationQuerySet
from profiles.models import User


def inbox_list(*, user: User) -> NotificationQuerySet:
    return Notification.objects.inbox_for(user).order_by("-due_at", "-pk")
