"""Writes to the outbox. Callers decide why a message is sent; this module only records and cancels it."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from notifications.kinds import known_kind
from notifications.models import Notification, dedup_key
from profiles.models import User


def dedup_key_for(*, kind: str, recipient: User, object_type: str, object_id: int | None, occurrence: str) -> str:
    return dedup_key(kind, str(recipient.pk), object_type, object_id, occurrence)


def _address_dedup_key(kind: str, address: str, object_type: str, object_id: int | None, occurrence: str) -> str:
    # An address can be longer than the key column, and need not be readable in it: a digest names it.
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return dedup_key(kind, f"@{digest}", object_type, object_id, occurrence)


def _reference(about: models.Model | None) -> tuple[str, int | None]:
    if about is None:
        return "", None
    return about._meta.model_name or "", about.pk


def notify(
    *,
    recipient: User,
    kind: str,
    about: models.Model | None = None,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    occurrence: str = "",
    context: dict[str, Any] | None = None,
    email: bool = True,
    in_app: bool = True,
    in_app_after_expiry: bool = False,
) -> Notification:
    """Record a message in the caller's transaction. Idempotent: the same kind/recipient/object/occurrence
    returns the existing row instead of writing a second one. A message not sent by `expires_at` (None: never)
    is cancelled instead of going out late; with `in_app_after_expiry` it is only not e-mailed, and stays in the
    inbox. Until `expires_at` a message is retried through a mail outage, however long."""
    notification, _ = _record(
        recipient=recipient,
        kind=kind,
        about=about,
        due_at=due_at,
        expires_at=expires_at,
        occurrence=occurrence,
        context=context,
        email=email,
        in_app=in_app,
        in_app_after_expiry=in_app_after_expiry,
    )
    return notification


def notify_new(
    *,
    recipient: User,
    kind: str,
    about: models.Model | None = None,
    due_at: datetime | None = None,
    occurrence: str = "",
    context: dict[str, Any] | None = None,
) -> bool:
    """`notify`, saying whether this call wrote the message (False: it was recorded before), for sweeps that run
    again and again and count what they wrote."""
    _, created = _record(
        recipient=recipient,
        kind=kind,
        about=about,
        due_at=due_at,
        expires_at=None,
        occurrence=occurrence,
        context=context,
    )
    return created


def _record(
    *,
    recipient: User,
    kind: str,
    about: models.Model | None,
    due_at: datetime | None,
    expires_at: datetime | None,
    occurrence: str,
    context: dict[str, Any] | None,
    email: bool = True,
    in_app: bool = True,
    in_app_after_expiry: bool = False,
) -> tuple[Notification, bool]:
    kind = known_kind(kind)
    object_type, object_id = _reference(about)
    key = dedup_key_for(
        kind=kind, recipient=recipient, object_type=object_type, object_id=object_id, occurrence=occurrence
    )
    return Notification.objects.get_or_create(
        dedup_key=key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "object_type": object_type,
            "object_id": object_id,
            "due_at": due_at or timezone.now(),
            "expires_at": expires_at,
            "context": context or {},
            "email": email,
            "in_app": in_app,
            "in_app_after_expiry": in_app_after_expiry,
        },
    )


#: One message of a batch: to an account or to a bare address, about an object, and its occurrence.
Message = tuple[User | str, models.Model | None, str]


def notify_many(*, kind: str, messages: Iterable[Message], due_at: datetime | None = None) -> None:
    """`notify` for many at once, each to an account or, for someone who has no account yet (an invitation to
    sign up), to a bare address: e-mail only then, with no inbox to show it in. One INSERT; a message written
    before (same kind, addressee, object and occurrence) is left as it is, whatever its state."""
    kind = known_kind(kind)
    due = due_at or timezone.now()
    rows = []
    for to, about, occurrence in messages:
        object_type, object_id = _reference(about)
        if isinstance(to, User):
            if to.pk is None:
                raise ValueError("A message to an account needs a saved account.")
            key = dedup_key_for(
                kind=kind, recipient=to, object_type=object_type, object_id=object_id, occurrence=occurrence
            )
            addressee: dict[str, Any] = {"recipient": to, "in_app": True}
        else:
            address = User.objects.normalize_email(to)
            if not address:  # SQLite's INSERT OR IGNORE would drop such a row silently, PostgreSQL would raise
                raise ValueError("A message to an address needs an address.")
            key = _address_dedup_key(kind, address, object_type, object_id, occurrence)
            addressee = {"to_address": address, "in_app": False}
        rows.append(
            Notification(
                dedup_key=key, kind=kind, object_type=object_type, object_id=object_id, due_at=due, **addressee
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


#: Messages not sent yet: what cancelling stops. A claimed one (`sending`) is included: its send task may wait in
#: the queue or between retries for minutes, and finds it cancelled. One whose send is running right now holds its
#: row lock, so the cancel waits for it and then finds it `sent` (that e-mail has left). A failed one is included,
#: so that a retry in the admin never revives a message whose reason has gone.
_UNSENT = (Notification.State.PENDING, Notification.State.SENDING, Notification.State.FAILED)


def notifications_cancel(
    *, about: models.Model, kinds: Iterable[str] | None = None, recipient: User | None = None
) -> int:
    """Cancel the unsent (pending, queued or failed) messages about an object (a cancelled meeting's reminders).
    Returns how many."""
    object_type, object_id = _reference(about)
    pending = Notification.objects.filter(object_type=object_type, object_id=object_id, state__in=_UNSENT)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    if recipient is not None:
        pending = pending.filter(recipient=recipient)
    return pending.update(state=Notification.State.CANCELLED)


def notifications_skip_email(*, about: models.Model, kinds: Iterable[str]) -> int:
    """Send no e-mail for the messages of `kinds` about an object that wait to go out, but keep them in the in-app
    inbox: what they ask was answered, or they name a time since changed (a proposal accepted before its e-mail left,
    while the workers were busy or down). Returns how many.

    A claimed one (`sending`) is included: its send task may wait in the queue or between retries through a mail
    outage, for days, and each attempt re-reads `email` under its row lock before it sends (notifications/sending.py),
    then delivers it in-app only. One whose send is running right now holds its row lock, so this waits for it and
    then finds it `sent`: that e-mail has left. A failed one is included, so that a retry in the admin does not
    e-mail it."""
    object_type, object_id = _reference(about)
    waiting = Notification.objects.filter(
        object_type=object_type, object_id=object_id, kind__in=list(kinds), email=True, state__in=_UNSENT
    )
    return waiting.update(email=False)


def notifications_cancel_many(
    *, about: type[models.Model], ids: Iterable[int], kinds: Iterable[str] | None = None
) -> int:
    """Cancel the unsent messages (of these kinds, or of every kind) about many objects of one model at once (one
    query)."""
    unsent = Notification.objects.filter(object_type=about._meta.model_name, object_id__in=list(ids), state__in=_UNSENT)
    if kinds is not None:
        unsent = unsent.filter(kind__in=list(kinds))
    return unsent.update(state=Notification.State.CANCELLED)


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own messages read (someone else's id is simply not found)."""
    notification = Notification.objects.inbox_for(user).get(pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.unread_for(user).update(read_at=timezone.now())


def notifications_mark_read_about(
    *, about: models.Model, kinds: Iterable[str], recipient: User, occurrence: str | None = None
) -> int:
    """Mark read the recipient's in-app messages of `kinds` about an object that were delivered (a prompt whose
    task they have done: a session logged, feedback given, a check-in answered), so the bell no longer counts them
    as new; they stay in the inbox. `occurrence`: only that occurrence's (one check-in period of a match, not the
    next one's). The unsent ones are the caller's to cancel. Returns how many."""
    object_type, object_id = _reference(about)
    unread = Notification.objects.unread_for(recipient).filter(
        object_type=object_type, object_id=object_id, kind__in=list(kinds)
    )
    if occurrence is not None:
        unread = unread.filter(
            dedup_key__in=[
                dedup_key_for(
                    kind=kind, recipient=recipient, object_type=object_type, object_id=object_id, occurrence=occurrence
                )
                for kind in kinds
            ]
        )
    return unread.update(read_at=timezone.now())


TOO_LATE = (
    "Not retried: past its expires_at (its meeting has begun or the next reminder is due), "
    "it would only arrive too late."
)


@dataclass(frozen=True)
class RetryResult:
    """What a retry did: how many failed messages went back in the queue, how many were cancelled instead because
    their moment had passed, and how many of the others were left alone, by their state."""

    requeued: int
    skipped: dict[str, int]
    expired: int = 0


@transaction.atomic
def notifications_retry(*, ids: Iterable[int], now: datetime | None = None) -> RetryResult:
    """Put failed messages back in the queue with a fresh attempt budget. Only failed ones: a cancelled message was
    cancelled on purpose (its meeting was cancelled, its invitation withdrawn, its recipient deactivated) and stays
    cancelled; a pending, sending or sent one needs nothing. A failed message past its `expires_at` (a reminder for
    a meeting that has begun) would only arrive too late: it is cancelled with the reason instead."""
    ids = list(ids)
    now = now or timezone.now()
    # Locked, so the count of what was skipped describes the rows the update saw.
    states = list(Notification.objects.select_for_update().filter(pk__in=ids).values_list("state", flat=True))
    failed = Notification.objects.filter(pk__in=ids, state=Notification.State.FAILED)
    expired = failed.filter(expires_at__lte=now).expire(reason=TOO_LATE, now=now)
    requeued = failed.update(
        state=Notification.State.PENDING,
        attempts=0,
        attempts_without_result=0,
        claim="",
        claimed_at=None,
        last_error="",
    )
    skipped = Counter(s for s in states if s != Notification.State.FAILED)
    return RetryResult(requeued=requeued, skipped=dict(skipped), expired=expired)
