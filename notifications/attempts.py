"""How long and how often an outbox row is tried: the sending lease, the retry budget and backoff, and the reasons a
coordinator reads in the admin when a row is given up (the dispatcher and the send step both follow these)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from notifications.mail_errors import is_permanent
from notifications.models import Notification


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


EXPIRED = "Expired before it could be sent: past its expires_at it would have arrived too late."
