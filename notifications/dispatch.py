"""Claiming due outbox rows and handing each to a send task (`notifications.sending` sends one). Delivery is
at-least-once (docs/reliability.md):

- The dispatcher claims due rows in batches (`pending` → `sending`, with a claim token and `claimed_at`), commits,
  then enqueues one send task per row carrying `(id, claim)`.
- The send task locks its row (`SELECT … FOR UPDATE SKIP LOCKED`) for the whole send and acts only while the row is
  still `sending` under the same claim, so a duplicate or stale task message does nothing.
- A row left in `sending` longer than the lease whose lock nobody holds (its worker died, or its message was lost)
  goes back to `pending` with a fresh claim. The only duplicates: the mail server accepted the e-mail, then the
  worker died before its transaction committed `sent`, or the connection broke before the server's reply and the
  retry sent it again. Every copy carries the row's own Message-ID.
- A row past its `expires_at` (a meeting reminder once the meeting has begun) is cancelled instead of sent late;
  one marked `in_app_after_expiry` (a meeting proposal) is not e-mailed but stays in the inbox.
- A row whose e-mail was turned off after it was claimed (a proposal answered while its send waited between retries
  through a mail outage) is delivered in-app only: each attempt re-reads `email` under its row lock before sending.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from notifications.attempts import (
    EXPIRED,
    backoff_seconds,
    gives_up,
    lease,
    lease_seconds,
    max_attempts,
    out_of_attempts,
    retry_hours,
    stopped_reason,
)
from notifications.messages import build_message, message_id
from notifications.models import Notification
from notifications.sending import EMAIL_TURNED_OFF, Outcome, SendResult, notification_send

# The tasks, the tests and the benchmarks reach the whole outbox through this module: what they use from the
# modules beside it (and the e-mail class whose `send` a test may wrap) is re-exported here.
__all__ = [
    "BATCH_SIZE",
    "EMAIL_TURNED_OFF",
    "EXPIRED",
    "MAX_BATCHES",
    "DispatchReport",
    "EmailMultiAlternatives",
    "Outcome",
    "SendResult",
    "backoff_seconds",
    "build_message",
    "gives_up",
    "lease",
    "lease_seconds",
    "max_attempts",
    "message_id",
    "notification_deliver_in_app_only",
    "notification_release",
    "notification_send",
    "notifications_cancel_expired",
    "notifications_claim",
    "notifications_dispatch_due",
    "notifications_requeue_stuck",
    "out_of_attempts",
    "retry_hours",
    "stopped_reason",
]

logger = logging.getLogger(__name__)

State = Notification.State
Enqueue = Callable[[int, str], object]

BATCH_SIZE = 500
MAX_BATCHES = 40


@dataclass
class DispatchReport:
    requeued: int = 0
    expired: int = 0
    in_app_delivered: int = 0
    claimed: int = 0
    enqueued: int = 0
    released: int = 0
    batches: int = 0


def notifications_requeue_stuck(*, now: datetime) -> int:
    """Rows in `sending` past the lease whose row lock is free: nobody is sending them, so claim them afresh.
    A row locked by a send in progress is skipped, however long that send takes."""
    with transaction.atomic():
        stuck = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, claimed_at__lt=now - lease())
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not stuck:
            return 0
        return Notification.objects.filter(pk__in=stuck, state=State.SENDING).update(
            state=State.PENDING, claim="", claimed_at=None
        )


def notifications_cancel_expired(*, now: datetime) -> int:
    """Due rows whose moment has passed (a reminder for a meeting that has begun, after beat or the workers were
    down) are cancelled, with the reason, instead of going out late in a burst (those kept in the inbox are
    delivered in-app only)."""
    return Notification.objects.filter(state=State.PENDING, expires_at__lte=now).expire(reason=EXPIRED, now=now)


def notification_deliver_in_app_only(*, now: datetime) -> int:
    """A message without e-mail has nothing to send: it is in the inbox as soon as it is due, and is marked `sent`
    then so the dispatcher never looks at it again."""
    return Notification.objects.due(now).filter(email=False).update(state=State.SENT, sent_at=now)


def notifications_claim(*, now: datetime, batch_size: int = BATCH_SIZE) -> tuple[str, list[int], set[int]]:
    """Claim up to `batch_size` due rows: the claim, their ids in due order, and which of them expire (a reminder)."""
    claim = uuid.uuid4().hex
    with transaction.atomic():
        rows = list(
            Notification.objects.due(now)
            .filter(email=True)
            .exclude(expires_at__lte=now)
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "expires_at")[:batch_size]
        )
        ids = [pk for pk, _ in rows]
        if ids:
            Notification.objects.filter(pk__in=ids).update(state=State.SENDING, claim=claim, claimed_at=now)
    return claim, ids, {pk for pk, expires_at in rows if expires_at is not None}


def notification_release(*, ids: list[int], claim: str) -> int:
    """Give back rows whose task could not be enqueued (broker down): they stay claimable, nothing is lost."""
    return Notification.objects.filter(pk__in=ids, state=State.SENDING, claim=claim).update(
        state=State.PENDING, claim="", claimed_at=None
    )


def notifications_dispatch_due(
    *,
    enqueue: Enqueue,
    enqueue_urgent: Enqueue | None = None,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
    now: datetime | None = None,
) -> DispatchReport:
    """Expire, sweep, deliver in-app, then claim and enqueue due rows. A row that expires (a reminder) goes through
    `enqueue_urgent` when given: a queue of its own, so that it does not wait behind a backlog of e-mails that can
    arrive late."""
    now = now or timezone.now()
    report = DispatchReport(
        requeued=notifications_requeue_stuck(now=now),
        expired=notifications_cancel_expired(now=now),
        in_app_delivered=notification_deliver_in_app_only(now=now),
    )
    for _ in range(max_batches):
        claim, ids, expiring = notifications_claim(now=now, batch_size=batch_size)
        if not ids:
            break
        report.batches += 1
        report.claimed += len(ids)
        # The claim is committed before any task exists, so a task never looks for a row it cannot see yet.
        for position, pk in enumerate(ids):
            try:
                (enqueue_urgent if enqueue_urgent is not None and pk in expiring else enqueue)(pk, claim)
            except Exception:
                report.released += notification_release(ids=ids[position:], claim=claim)
                logger.exception("Broker unavailable: released %d notifications", len(ids) - position)
                return report
            report.enqueued += 1
        if len(ids) < batch_size:
            break
    return report
