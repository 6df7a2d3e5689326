"""Sending one claimed outbox row (the send task's work): the row is locked for the whole send and acted on only while
it is still `sending` under the task's claim, so a duplicate or stale task message does nothing. The delivery rules
are in notifications/dispatch.py; how often a row is tried is in notifications/attempts.py.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from notifications.attempts import EXPIRED, backoff_seconds, gives_up, out_of_attempts, stopped_reason
from notifications.mail_errors import describe
from notifications.messages import build_message
from notifications.models import Notification
from notifications.rendering import ObjectGone

logger = logging.getLogger(__name__)

State = Notification.State


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    countdown: int = 0


EMAIL_TURNED_OFF = (
    "Not e-mailed: out of date before it could go out (what it asked was answered, or the time it named changed); "
    "delivered in the in-app inbox only."
)


def _in_app_only(notification: Notification) -> dict[str, object]:
    """The update for a claimed row whose e-mail was turned off: delivered in the inbox only (`sent`), as
    `notification_deliver_in_app_only` does for one still pending; the error of a failed earlier attempt is kept
    after the reason."""
    last = notification.last_error
    reason = f"{EMAIL_TURNED_OFF} Last error: {last}" if last else EMAIL_TURNED_OFF
    return {"state": State.SENT, "sent_at": timezone.now(), "last_error": reason[:2000]}


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


def notification_send(*, notification_id: int, claim: str) -> SendResult:
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
            error = describe(exc)[:2000]  # no address: the log and the admin's list both show it
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
