"""A mail server's refusal for good (5xx: no such mailbox, message rejected) fails the message at once, for a
coordinator to see; a temporary one (4xx, the server unreachable) is retried."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest

from notifications import dispatch
from notifications.models import Notification
from tests.factories import NotificationFactory
from tests.notifications.test_dispatch import Recorder

pytestmark = pytest.mark.django_db
State = Notification.State


def send_once_failing_with(monkeypatch: Any, error: Exception) -> tuple[dispatch.SendResult, Notification]:
    row = NotificationFactory()

    def refused(self: Any, fail_silently: bool = False) -> int:
        raise error

    monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", refused)
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    [(pk, claim)] = recorder.sent
    result = dispatch.notification_send(notification_id=pk, claim=claim)
    row.refresh_from_db()
    return result, row


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"gone@uni.edu": (550, b"5.1.1 <gone@uni.edu>: Recipient address rejected")}),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"),
    ],
    ids=["no-such-mailbox", "message-rejected"],
)
def test_a_permanent_refusal_fails_the_message_at_once_with_the_servers_reason(
    monkeypatch: Any, error: Exception
) -> None:
    result, row = send_once_failing_with(monkeypatch, error)
    assert result.outcome == dispatch.Outcome.FAILED
    assert (row.state, row.attempts) == (State.FAILED, 1)
    assert "5." in row.last_error


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"busy@uni.edu": (450, b"4.2.1 Mailbox busy, try again later")}),
        smtplib.SMTPDataError(451, b"4.3.0 Local error in processing"),
        smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", "mentorship@localhost"),
        smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=["mailbox-busy", "server-error", "our-sender-refused", "our-credentials", "disconnected", "unreachable"],
)
def test_a_temporary_failure_or_one_of_our_own_setup_is_retried(monkeypatch: Any, error: Exception) -> None:
    result, row = send_once_failing_with(monkeypatch, error)
    assert result.outcome == dispatch.Outcome.RETRY
    assert (row.state, row.attempts) == (State.SENDING, 1)
