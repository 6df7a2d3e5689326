"""Reads of the outbox that depend on who asks."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Max

from notifications.models import Notification, NotificationQuerySet
from profiles.models import User


def inbox_list(*, user: User) -> NotificationQuerySet:
    # Each message's subject and link are rendered with its recipient (the user): joined, not one query per row.
    return Notification.objects.inbox_for(user).select_related("recipient").order_by("-due_at", "-pk")


def pending_about(*, kind: str, about: type[models.Model]) -> list[int]:
    """Ids of the `about` objects that a message of `kind` still waits to go out about (one query)."""
    rows = Notification.objects.filter(kind=kind, object_type=about._meta.model_name, state=Notification.State.PENDING)
    return [pk for pk in rows.values_list("object_id", flat=True) if pk is not None]


def last_written(*, kind: str, about: models.Model) -> datetime | None:
    """When the latest message of `kind` about this object was written (None: never)."""
    rows = Notification.objects.filter(kind=kind, object_type=about._meta.model_name, object_id=about.pk)
    return rows.aggregate(last=Max("created_at"))["last"]
