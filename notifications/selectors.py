"""Reads of the outbox that depend on who asks."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from notifications.models import Notification, NotificationQuerySet
from profiles.models import User


def inbox_list(*, user: User) -> NotificationQuerySet:
    # Each message's subject and link are rendered with its recipient (the user): joined, not one query per row.
    return Notification.objects.inbox_for(user).select_related("recipient").order_by("-due_at", "-pk")


def objects_told(*, kind: str, about: type[models.Model], ids: Iterable[int]) -> set[int]:
    """Which of these objects (ids of model `about`) some message of `kind` was already written about: one query,
    for callers that write a message once per object and would otherwise ask row by row."""
    rows = Notification.objects.filter(kind=kind, object_type=about._meta.model_name, object_id__in=list(ids))
    return {pk for pk in rows.values_list("object_id", flat=True).distinct() if pk is not None}
