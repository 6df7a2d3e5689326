"""Reads of the outbox that depend on who asks."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, Max, Q

from notifications.models import Notification, NotificationQuerySet
from profiles.models import User


def inbox_list(*, user: User) -> NotificationQuerySet:
    # Each message's subject and link are rendered with its recipient (the user): joined, not one query per row.
    return Notification.objects.inbox_for(user).select_related("recipient").order_by("-due_at", "-pk")


def pending_about(*, kind: str, about: type[models.Model]) -> list[int]:
    """Ids of the `about` objects that a message of `kind` still waits to go out about (one query)."""
    return _about(kind=kind, about=about, states=[Notification.State.PENDING])


def unsent_about(*, kind: str, about: type[models.Model]) -> list[int]:
    """Ids of the `about` objects that a message of `kind` not sent yet is about (one query): pending, claimed by a
    worker (`sending`: it may wait between retries for hours) or failed (a retry in the admin would send it), the
    states `notifications_cancel_many` cancels. What a caller about to cancel looks for: pending ones alone left a
    claimed or failed message to go out after its reason had gone."""
    unsent = [Notification.State.PENDING, Notification.State.SENDING, Notification.State.FAILED]
    return _about(kind=kind, about=about, states=unsent)


def _about(*, kind: str, about: type[models.Model], states: Collection[str]) -> list[int]:
    rows = Notification.objects.filter(kind=kind, object_type=about._meta.model_name, state__in=states)
    return [pk for pk in rows.values_list("object_id", flat=True) if pk is not None]


@dataclass(frozen=True)
class OutboxState:
    queued: bool  # a message is still waiting to go out, or going out now
    last_sent: datetime | None  # when the latest one went out (None: none has)


def outbox_state(*, kind: str, about: models.Model) -> OutboxState:
    """Where the messages of `kind` about this object stand, failed and cancelled ones aside (one query)."""
    rows = Notification.objects.filter(kind=kind, object_type=about._meta.model_name, object_id=about.pk)
    waiting = Q(state__in=[Notification.State.PENDING, Notification.State.SENDING])
    found = rows.aggregate(queued=Count("pk", filter=waiting), last_sent=Max("sent_at"))
    return OutboxState(queued=found["queued"] > 0, last_sent=found["last_sent"])


def count_sent_about(*, recipient: User, kinds: Collection[str], about: models.Model, since: datetime) -> int:
    """How many messages of `kinds` about this object were written for `recipient` since then, whatever became of
    them (one query): what a limit on one person e-mailing another counts."""
    return Notification.objects.filter(
        recipient=recipient,
        kind__in=list(kinds),
        object_type=about._meta.model_name,
        object_id=about.pk,
        due_at__gte=since,
    ).count()
