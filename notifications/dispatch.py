"""Claiming due outbox rows and sending one of them. Delivery is at-least-once (docs/reliability.md):

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

import enum
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from notifications.mail_errors import is_permanent
from notifications.models import Notification
from notifications.rendering import ObjectGone, render_email

logger = logging.getLogger(__name__)

State = Notification.State
Enqueue = Callable[[int, str], object]

BATCH_SIZE = 500
MAX_BATCHES = 40


# Read with defaults so the outbox works even where settings predate these variables (.env.example lists them).
def lease_seconds() -> int:
    return int(getattr(settings, "NOTIFICATIONS_SENDING_LEASE_SECONDS", 900))


def lease() -> timedelta:
    return timedelta(seconds=lease_seconds())


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5))


def backoff_seconds(attempt: int) -> int:
    """1, 2, 4 … minutes, capped well below both the broker's visibility timeout (a longer countdown makes Redis
    redeliver the message again and again) and the sending lease (so a waiting retry is not re-queued)."""
    cap = min(300, settings.CELERY_VISIBILITY_TIMEOUT // 4, lease_seconds() // 2)
    return max(1, min(60 * 2 ** max(attempt - 1, 0), cap))


def retry_hours() -> int:
    return int(getattr(settings, "NOTIFICATIONS_RETRY_HOURS", 24))


def _budget_spent(notification: Notification) -> bool:
    """A message with a moment (a meeting reminder) may be tried until that moment. One without has at least
    NOTIFICATIONS_MAX_ATTEMPTS attempts, and is retried until NOTIFICATIONS_RETRY_HOURS after it fell due: a mail
    server down for an hour no longer leaves a match's approval `failed` until a coordinator presses Retry."""
    if notification.expires_at is not None or notification.attempts < max_attempts():
        return False
    return timezone.now() >= notification.due_at + timedelta(hours=retry_hours())


def gives_up(notification: Notification, error: BaseException) -> bool:
    """After a failed attempt: fail the row (True) or retry it. A refusal for good fails at once. A temporary
    failure (a 4xx reply, the server down or timing out) is retried: a message with a moment (a meeting reminder)
    until that moment, however long the outage, and the row is cancelled then; any other message until
    NOTIFICATIONS_RETRY_HOURS after it fell due (and at least NOTIFICATIONS_MAX_ATTEMPTS times), then it fails, for a
    coordinator to retry."""
    return is_permanent(error) or _budget_spent(notification)


def out_of_attempts(notification: Notification) -> bool:
    """Before an attempt: the attempts the row may have are used up. The workers that tried it stopped mid-send
    (killed, out of memory) NOTIFICATIONS_MAX_ATTEMPTS times, whatever its expiry; or, for a message without one,
    that many attempts were made in all and the last one stopped without a result."""
    return notification.attempts_without_result >= max_attempts() or _budget_spent(notification)


def stopped_reason(notification: Notification) -> str:
    """What a coordinator reads in the admin when attempts ran out without a result."""
    stopped, attempts = notification.attempts_without_result, notification.attempts
    if stopped:
        counted = f"{stopped}" if stopped == attempts else f"{stopped} of {attempts}"
        reason = (
            f"The worker stopped during {counted} sending attempt{'s' if attempts > 1 else ''} (killed, out of memory "
            "or crashed while sending): not tried again, in case this message is what stops it."
        )
    else:
        hours = retry_hours()
        over = f" over {hours} hours (NOTIFICATIONS_RETRY_HOURS)" if hours else " (NOTIFICATIONS_MAX_ATTEMPTS)"
        reason = f"Not tried again after {attempts} attempts{over}."
    return f"{reason} Last error: {notification.last_error}" if notification.last_error else reason


@dataclass
class DispatchReport:
    requeued: int = 0
    expired: int = 0
    in_app_delivered: int = 0
    claimed: int = 0
    enqueued: int = 0
    released: int = 0
    batches: int = 0


def requeue_stuck(*, now: datetime) -> int:
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


EXPIRED = "Expired before it could be sent: past its expires_at it would have arrived too late."


def cancel_expired(*, now: datetime) -> int:
    """Due rows whose moment has passed (a reminder for a meeting that has begun, after beat or the workers were
    down) are cancelled, with the reason, instead of going out late in a burst (those kept in the inbox are
    delivered in-app only)."""
    return Notification.objects.filter(state=State.PENDING, expires_at__lte=now).expire(reason=EXPIRED, now=now)


def deliver_in_app_only(*, now: datetime) -> int:
    """A message without e-mail has nothing to send: it is in the inbox as soon as it is due, and is marked `sent`
    then so the dispatcher never looks at it again."""
    return Notification.objects.due(now).filter(email=False).update(state=State.SENT, sent_at=now)


EMAIL_TURNED_OFF = (
    "Not e-mailed: out of date before it could go out (what it asked was answered, or the time it named changed); "
    "delivered in the in-app inbox only."
)


def _in_app_only(notification: Notification) -> dict[str, object]:
    """The update for a claimed row whose e-mail was turned off: delivered in the inbox only (`sent`), as
    `deliver_in_app_only` does for one still pending; the error of a failed earlier attempt is kept after the reason."""
    last = notification.last_error
    reason = f"{EMAIL_TURNED_OFF} Last error: {last}" if last else EMAIL_TURNED_OFF
    return {"state": State.SENT, "sent_at": timezone.now(), "last_error": reason[:2000]}


def claim_batch(*, now: datetime, batch_size: int = BATCH_SIZE) -> tuple[str, list[int], set[int]]:
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


def release(*, ids: list[int], claim: str) -> int:
    """Give back rows whose task could not be enqueued (broker down): they stay claimable, nothing is lost."""
    return Notification.objects.filter(pk__in=ids, state=State.SENDING, claim=claim).update(
        state=State.PENDING, claim="", claimed_at=None
    )


def dispatch_due(
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
        requeued=requeue_stuck(now=now),
        expired=cancel_expired(now=now),
        in_app_delivered=deliver_in_app_only(now=now),
    )
    for _ in range(max_batches):
        claim, ids, expiring = claim_batch(now=now, batch_size=batch_size)
        if not ids:
            break
        report.batches += 1
        report.claimed += len(ids)
        # The claim is committed before any task exists, so a task never looks for a row it cannot see yet.
        for position, pk in enumerate(ids):
            try:
                (enqueue_urgent if enqueue_urgent is not None and pk in expiring else enqueue)(pk, claim)
            except Exception:
                report.released += release(ids=ids[position:], claim=claim)
                logger.exception("Broker unavailable: released %d notifications", len(ids) - position)
                return report
            report.enqueued += 1
        if len(ids) < batch_size:
            break
    return report


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    countdown: int = 0


def message_id(notification: Notification) -> str:
    """The same Message-ID for every copy of one message, so the duplicate the design allows (the worker died after
    the mail server accepted) is recognisable as such: mail servers and clients that drop a repeated Message-ID
    (Gmail is reported to) can show it once. The row's creation time and key make it unique across databases
    (staging and production both have a row 42; reusing one id for two different messages would hide the second)."""
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = sender.rpartition("@")[2] or "localhost"
    unique = hashlib.sha256(
        f"{notification.pk}:{notification.dedup_key}:{notification.created_at.isoformat()}".encode()
    )
    return f"<notification.{notification.pk}.{unique.hexdigest()[:24]}@{domain}>"


def build_message(notification: Notification, connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
    rendered = render_email(notification)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        connection=connection,
        headers={"X-Mentorship-Notification": str(notification.pk), "Message-ID": message_id(notification)},
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in rendered.attachments:
        message.attach(attachment.mime_part())
    return message


def _test_hook(notification: Notification) -> None:
    """Only with NOTIFICATIONS_TEST_HOOKS on (the reliability tests): pause a marked message once, recording the
    process id so the test can kill exactly the worker child that holds it; or have the process kill itself
    (SIGKILL, as the kernel's out-of-memory killer would) in its first `test_kill_times` sends."""
    if not getattr(settings, "NOTIFICATIONS_TEST_HOOKS", False):
        return
    import os
    import signal

    hooks = Path(settings.NOTIFICATIONS_TEST_HOOK_DIR)
    kills = int(notification.context.get("test_kill_times", 0))
    if kills:
        done = len(list(hooks.glob(f"{notification.pk}.kill.*")))
        if done < kills:
            (hooks / f"{notification.pk}.kill.{done}").write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
    pause = notification.context.get("test_pause_seconds")
    marker = hooks / f"{notification.pk}.pid"
    if not pause or marker.exists():
        return
    marker.write_text(str(os.getpid()))
    time.sleep(float(pause))


def send_claimed(*, notification_id: int, claim: str) -> SendResult:
    notification = _start_attempt(notification_id=notification_id, claim=claim)
    if isinstance(notification, SendResult):
        return notification
    # Opened by us, the SMTP session is closed (QUIT, one more round trip to the mail server) only after `sent` is
    # committed: the message is accepted at the end of its DATA, and a worker dying from then until the commit
    # sends it again, so nothing else is let into that window.
    mail_connection = get_connection()
    try:
        return _send_attempt(notification, claim=claim, mail_connection=mail_connection)
    finally:
        try:
            mail_connection.close()
        except Exception:  # the row's outcome is already committed: a failed QUIT changes nothing about it
            logger.warning("Closing the mail connection failed", exc_info=True)


def _locked(notification_id: int, claim: str, *, wait: bool = False) -> QuerySet[Notification]:
    """The row, locked, while it is still `sending` under this claim. The lock is held until the transaction ends:
    a second copy of this task skips the row instead of sending again, and the stuck-row sweep cannot take it.
    If this process dies, the database drops the lock."""
    return (
        Notification.objects.select_for_update(skip_locked=not wait, of=("self",))
        .filter(pk=notification_id, state=State.SENDING, claim=claim)
        .order_by()
    )


#: How long a send waits for its row when another transaction holds the lock. Another dispatcher's claim that
#: passed over the row as it was being claimed keeps it locked until that claim commits, some milliseconds
#: (PostgreSQL keeps the lock on a row that fails its re-check for the rest of the transaction): skipping it then
#: left the row in `sending` until the lease ran out, a reminder 15 minutes late. A copy of this task that is
#: sending the row holds it for its whole send; after this wait the copy is left to it.
ROW_LOCK_WAIT = "2s"
#: PostgreSQL's SQLSTATE when lock_timeout runs out.
LOCK_NOT_AVAILABLE = "55P03"

R = TypeVar("R")


def _take(notification_id: int, claim: str, read: Callable[[QuerySet[Notification]], list[R]]) -> list[R]:
    """`read` of the locked row (see `_locked`); [] when it is no longer ours or another delivery is sending it."""
    found = read(_locked(notification_id, claim))
    if found or connection.vendor != "postgresql":
        return found  # SQLite has no row locks: one writer at a time, nothing to wait for
    if not Notification.objects.filter(pk=notification_id, state=State.SENDING, claim=claim).exists():
        return []  # sent, re-claimed or cancelled: not locked, simply not ours any more
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{ROW_LOCK_WAIT}'")
            found = read(_locked(notification_id, claim, wait=True))
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
            return found
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != LOCK_NOT_AVAILABLE:
            raise
        return []  # a copy of this task holds it through its send


def _start_attempt(*, notification_id: int, claim: str) -> Notification | SendResult:
    """Count the attempt in a transaction of its own, committed before the mail server is spoken to. A process that
    dies in the send (out of memory, a segfault, SIGKILL) rolls back only the send's transaction, so its attempt
    still counts: a message that kills its worker every time ends `failed` instead of being redelivered forever."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The count has to outlive this worker, not the database server: committed without waiting for the
            # WAL flush, it is visible to every session at once and lost only if PostgreSQL itself crashes in the
            # next moment (the attempt then goes uncounted). Waiting for that second flush per message took 5,000
            # sends from 145 to 168 s in bench/notifications.py (docs/performance.md).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        found = _take(notification_id, claim, lambda rows: list(rows.select_related("recipient")[:1]))
        notification = found[0] if found else None
        if notification is None:
            return SendResult(Outcome.SKIPPED)
        if notification.expires_at is not None and notification.expires_at <= timezone.now():
            # Claimed in time, but retried (through a mail server outage) or redelivered past its moment.
            why = f"{EXPIRED} Last error: {notification.last_error}" if notification.last_error else EXPIRED
            Notification.objects.filter(pk=notification.pk).expire(reason=why[:2000], now=timezone.now())
            return SendResult(Outcome.SKIPPED)
        if not notification.email:
            # Turned off since it was claimed (notifications_skip_email): out of date, so no attempt is made.
            Notification.objects.filter(pk=notification.pk).update(**_in_app_only(notification))
            return SendResult(Outcome.SKIPPED)
        if notification.recipient is not None and not notification.recipient.is_active:
            Notification.objects.filter(pk=notification.pk).update(
                state=State.CANCELLED, last_error="The recipient's account is inactive."
            )
            return SendResult(Outcome.SKIPPED)
        if out_of_attempts(notification):
            reason = stopped_reason(notification)[:2000]
            Notification.objects.filter(pk=notification.pk).update(state=State.FAILED, last_error=reason)
            logger.warning("Notification %s failed for good: %s", notification.pk, reason)
            return SendResult(Outcome.FAILED)
        notification.attempts += 1
        notification.attempts_without_result += 1
        # The lease counts from this attempt's start: the sweep leaves the row alone while it is being sent.
        Notification.objects.filter(pk=notification.pk).update(
            attempts=notification.attempts,
            attempts_without_result=notification.attempts_without_result,
            claimed_at=timezone.now(),
        )
    return notification


def _send_attempt(notification: Notification, *, claim: str, mail_connection: BaseEmailBackend) -> SendResult:
    with transaction.atomic():
        # Locked again for the send itself, and only while no other delivery of this message has started an
        # attempt since ours was counted (a copy that ran between the two transactions owns the row now).
        email_on = _take(
            notification.pk,
            claim,
            lambda q: list(q.filter(attempts=notification.attempts).values_list("email", flat=True)[:1]),
        )
        if not email_on:
            return SendResult(Outcome.SKIPPED)
        row = Notification.objects.filter(pk=notification.pk)
        with_result = {"attempts_without_result": F("attempts_without_result") - 1}
        if not email_on[0]:
            # Turned off since the attempt was counted. From here until the commit the lock keeps it on: an e-mail
            # turned off later waits for this send, and then finds it `sent`.
            row.update(**_in_app_only(notification), **with_result)
            return SendResult(Outcome.SKIPPED)
        try:
            if notification.context.get("test_pause_when") != "after_send":
                _test_hook(notification)
            mail_connection.open()
            build_message(notification, mail_connection).send()
        except ObjectGone as exc:
            row.update(state=State.CANCELLED, last_error=str(exc), **with_result)
            return SendResult(Outcome.SKIPPED)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            if gives_up(notification, exc):
                row.update(state=State.FAILED, last_error=error, **with_result)
                logger.warning("Notification %s failed for good: %s", notification.pk, error)
                return SendResult(Outcome.FAILED)
            row.update(last_error=error, claimed_at=timezone.now(), **with_result)
            return SendResult(Outcome.RETRY, countdown=backoff_seconds(notification.attempts))
        if notification.context.get("test_pause_when") == "after_send":
            _test_hook(notification)
        # `email` says it was e-mailed: on SQLite, which has no row lock to wait on, an e-mail turned off while
        # this one was with the mail server would otherwise leave a row that reads "in-app only".
        row.filter(state=State.SENDING, claim=claim).update(
            state=State.SENT, sent_at=timezone.now(), last_error="", email=True, **with_result
        )
        return SendResult(Outcome.SENT)
