"""The outbox: every e-mail and in-app message is a row here first, written in the transaction that caused it.

A beat task claims due rows and a send task delivers each one; the row's state makes sending idempotent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


def dedup_key(kind: str, who: str, object_type: str, object_id: int | None, occurrence: str) -> str:
    """A row's dedup key, `kind:who:object_type:object_id:occurrence` (`Notification.occurrence` reads it back)."""
    return f"{kind}:{who}:{object_type}:{object_id or ''}:{occurrence}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def due(self, now: datetime | None = None) -> NotificationQuerySet:
        return self.filter(state=Notification.State.PENDING, due_at__lte=now or timezone.now())

    def inbox_for(self, user: Any, now: datetime | None = None) -> NotificationQuerySet:
        """What the in-app inbox shows: every in-app row that is due and not cancelled, whatever its e-mail state
        (a message whose e-mail failed or is still queued is still shown)."""
        return self.filter(recipient=user, in_app=True, due_at__lte=now or timezone.now()).exclude(
            state=Notification.State.CANCELLED
        )

    def unread_for(self, user: Any) -> NotificationQuerySet:
        return self.inbox_for(user).filter(read_at__isnull=True)

    def expire(self, *, reason: str, now: datetime) -> int:
        """These rows' moment has passed, so they are not e-mailed. Most are cancelled (a reminder, once its meeting
        has begun, only misleads); one whose in-app copy outlives its moment (a meeting proposal: the meeting's
        history) stays in the inbox, delivered in-app only. Returns how many."""
        kept = models.Q(in_app=True, in_app_after_expiry=True)
        # One statement, so the dispatcher's sweep costs no more than before.
        return self.update(
            state=models.Case(
                models.When(kept, then=models.Value(Notification.State.SENT)),
                default=models.Value(Notification.State.CANCELLED),
            ),
            email=models.Case(
                models.When(kept, then=models.Value(False)),
                default=models.F("email"),
                output_field=models.BooleanField(),
            ),
            sent_at=models.Case(
                models.When(kept, then=models.Value(now)),
                default=models.F("sent_at"),
                output_field=models.DateTimeField(),
            ),
            last_error=reason,
        )


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    # Someone with no account yet (an invitation to sign up) has only an address: such a message is e-mail only.
    to_address = models.EmailField(blank=True, help_text="Only for someone without an account (then e-mail only).")
    kind = models.CharField(max_length=50, help_text="Selects the templates notifications/<kind>.*")
    # What the message is about, by reference only ("match", 42): no personal data is copied into the outbox.
    object_type = models.CharField(max_length=30, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    context = models.JSONField(default=dict, blank=True, help_text="Ids and small values for the template.")
    due_at = models.DateTimeField(default=timezone.now)
    # A message that is no use late (a reminder once its meeting has begun): not sent by then, it is cancelled.
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Not sent by then, it is cancelled (a reminder once its meeting begins)."
    )
    # Not e-mailed after expires_at either, but kept in the inbox (a proposal for a time that has passed is still
    # part of the meeting's history). The database default lets the previous release's workers insert rows.
    in_app_after_expiry = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Past expires_at: not e-mailed, but kept in the in-app inbox instead of being cancelled.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # counted as each starts, before the mail server is called
    # Counted when an attempt starts and taken back when it records a result: what is left counts the attempts
    # whose worker stopped mid-send (killed, out of memory), so a message that kills its worker every time fails.
    # The database default lets a worker of the previous release insert rows during a rolling deploy.
    attempts_without_result = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,
        help_text="Attempts that recorded no result: the worker stopped mid-send (or the one running now).",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Which dispatch claimed the row: a send task carries it and acts only while it still matches, so a stale or
    # redelivered task message for an earlier claim does nothing.
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    email = models.BooleanField(default=True, help_text="Also send by e-mail (always shown in the in-app inbox).")
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # kind + recipient + object + occurrence: the same reminder can never be written twice.
    dedup_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="notification_due_idx"),
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["object_type", "object_id"], name="notification_object_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, to_address="")
                | (models.Q(recipient__isnull=True, email=True, in_app=False) & ~models.Q(to_address="")),
                name="notification_one_addressee",
                violation_error_message="A message goes to an account, or by e-mail only to an address.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or self.to_address} ({self.state})"

    @property
    def address(self) -> str:
        """Where the e-mail goes: the account's current address, or the one given for someone without one."""
        return self.recipient.email if self.recipient is not None else self.to_address

    @property
    def occurrence(self) -> str:
        """Which occurrence of its object the row is about ("" for none): the last part of its `dedup_key`."""
        parts = self.dedup_key.split(":", 4)
        return parts[4] if len(parts) == 5 else ""

    def is_unread(self) -> bool:
        return self.read_at is None
