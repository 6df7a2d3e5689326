"""The mail server down for longer than a few retries. A message with a moment (a meeting reminder expires when its
meeting begins) keeps being retried, with capped backoff, until that moment instead of failing after
NOTIFICATIONS_MAX_ATTEMPTS attempts (about 12 minutes) and waiting for a coordinator; any other message is retried
for NOTIFICATIONS_RETRY_HOURS after it fell due. A refusal for good still fails at once.

The outage is real: Django's SMTP backend connecting to a port nobody listens on (connection refused). When the
server is back, the locmem backend stands for it."""

from __future__ import annotations

import smtplib
import socket
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from notifications import dispatch
from notifications.models import Notification
from tests.factories import NotificationFactory
from tests.notifications.test_dispatch import Recorder

pytestmark = pytest.mark.django_db
State = Notification.State


@pytest.fixture
def mail_server_down(settings: Any) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: connecting to it is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def mail_server_back(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def retry_until(
    row: Notification, until: datetime, start: datetime, *, claimed: bool = False
) -> list[dispatch.SendResult]:
    """Beat ticks and the send task's retries, each at its own time, from `start` until `until`: what a worker
    does through an outage (`claimed`: going on with the row's current claim)."""
    results: list[dispatch.SendResult] = []
    recorder = Recorder()
    now = start
    with freeze_time(now) as clock:
        if claimed:
            row.refresh_from_db()
            pk, claim = row.pk, row.claim
        else:
            dispatch.notifications_dispatch_due(enqueue=recorder)
            [(pk, claim)] = recorder.sent
        while now < until:
            result = dispatch.notification_send(notification_id=pk, claim=claim)
            results.append(result)
            if result.outcome != dispatch.Outcome.RETRY:
                break
            now += timedelta(seconds=result.countdown)
            clock.move_to(now)
            # Beat keeps ticking meanwhile: a retry waiting for its countdown is never swept and claimed again.
            assert dispatch.notifications_dispatch_due(enqueue=recorder).claimed == 0
    return results


def test_a_reminder_is_retried_through_an_outage_of_an_hour_and_goes_out_once_the_server_is_back(
    mail_server_down: None, settings: Any
) -> None:
    start = timezone.now()
    row = NotificationFactory(due_at=start, expires_at=start + timedelta(hours=3))
    results = retry_until(row, until=start + timedelta(hours=1), start=start)
    # Before: failed after 5 attempts, about 12 minutes in, until a coordinator pressed Retry.
    assert {r.outcome for r in results} == {dispatch.Outcome.RETRY}
    assert max(r.countdown for r in results) <= 600
    row.refresh_from_db()
    assert row.state == State.SENDING
    assert row.attempts == len(results) > settings.NOTIFICATIONS_MAX_ATTEMPTS
    assert "ConnectionRefusedError" in row.last_error

    mail_server_back(settings)
    with freeze_time(start + timedelta(hours=1)):
        assert dispatch.notification_send(notification_id=row.pk, claim=row.claim).outcome == dispatch.Outcome.SENT
    row.refresh_from_db()
    assert (row.state, row.last_error) == (State.SENT, "")
    assert len(mail.outbox) == 1


def test_a_reminder_whose_meeting_begins_during_the_outage_is_cancelled_with_the_outage_as_reason(
    mail_server_down: None,
) -> None:
    start = timezone.now()
    row = NotificationFactory(due_at=start, expires_at=start + timedelta(minutes=40))
    results = retry_until(row, until=start + timedelta(hours=1), start=start)
    assert results[-1].outcome == dispatch.Outcome.SKIPPED
    assert {r.outcome for r in results[:-1]} == {dispatch.Outcome.RETRY}
    row.refresh_from_db()
    assert row.state == State.CANCELLED
    # What a coordinator reads in the admin: why it never went out, not only that it expired.
    assert row.last_error.startswith("Expired before it could be sent")
    assert "ConnectionRefusedError" in row.last_error
    assert mail.outbox == []


def test_a_message_without_a_moment_is_retried_through_an_hours_outage_and_fails_after_the_retry_hours(
    mail_server_down: None, settings: Any
) -> None:
    # Before: a match's approval or an invitation failed after 5 attempts, about 12 minutes into an outage, and
    # waited for a coordinator to press Retry. Now it is retried for NOTIFICATIONS_RETRY_HOURS (24) after it fell due.
    start = timezone.now()
    row = NotificationFactory(due_at=start)
    results = retry_until(row, until=start + timedelta(hours=1), start=start)
    assert {r.outcome for r in results} == {dispatch.Outcome.RETRY}
    assert len(results) > settings.NOTIFICATIONS_MAX_ATTEMPTS
    row.refresh_from_db()
    assert row.state == State.SENDING

    settings.NOTIFICATIONS_RETRY_HOURS = 2  # the same rule, over a shorter window for the test
    results = retry_until(row, until=start + timedelta(hours=3), start=start + timedelta(hours=1), claimed=True)
    assert results[-1].outcome == dispatch.Outcome.FAILED
    assert {r.outcome for r in results[:-1]} <= {dispatch.Outcome.RETRY}
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert "ConnectionRefusedError" in row.last_error
    assert mail.outbox == []


def test_a_reminder_refused_for_good_fails_at_once_though_it_has_time_left(monkeypatch: Any) -> None:
    start = timezone.now()
    row = NotificationFactory(due_at=start, expires_at=start + timedelta(hours=3))

    def no_such_mailbox(message: Any, fail_silently: bool = False) -> int:
        raise smtplib.SMTPRecipientsRefused({"gone@uni.edu": (550, b"5.1.1 Recipient address rejected")})

    monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", no_such_mailbox)
    [result] = retry_until(row, until=start + timedelta(hours=1), start=start)
    assert result.outcome == dispatch.Outcome.FAILED
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 1)
    assert "5.1.1" in row.last_error


def test_a_proposal_is_retried_until_its_meeting_begins_then_stays_in_the_inbox_without_an_email(
    mail_server_down: None, settings: Any, mentor: Any, trainee: Any, login: Any
) -> None:
    # Before: a proposal had no moment, so it failed after about 12 minutes of outage (the other person never got
    # the e-mail), and with beat down for long it went out after the proposed time had passed. Now it is retried
    # until the meeting begins; past that it is not e-mailed, and it stays in the inbox as the meeting's history.
    from django.urls import reverse

    from tests.factories import video_meeting_proposed

    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=timezone.now() + timedelta(minutes=90))
    row = Notification.objects.get(kind="meeting_proposed")
    assert (row.expires_at, row.in_app_after_expiry) == (meeting.start, True)
    start = row.due_at
    results = retry_until(row, until=start + timedelta(hours=2), start=start)
    assert results[-1].outcome == dispatch.Outcome.SKIPPED
    assert len(results) > settings.NOTIFICATIONS_MAX_ATTEMPTS
    assert {r.outcome for r in results[:-1]} == {dispatch.Outcome.RETRY}
    row.refresh_from_db()
    assert (row.state, row.email) == (State.SENT, False)
    assert row.last_error.startswith("Expired before it could be sent")
    assert mail.outbox == []
    with freeze_time(start + timedelta(hours=2)):
        inbox = login(mentor.user).get(reverse("notifications-inbox")).content.decode()
    assert "proposes a meeting" in inbox


def test_a_proposal_still_queued_when_its_meeting_begins_is_not_emailed_and_a_reminder_is_cancelled() -> None:
    # Beat or the workers down for longer than the time to the meeting: nothing is claimed in time.
    start = timezone.now()
    proposal = NotificationFactory(due_at=start, expires_at=start + timedelta(minutes=5), in_app_after_expiry=True)
    reminder = NotificationFactory(due_at=start, expires_at=start + timedelta(minutes=5))
    with freeze_time(start + timedelta(minutes=10)):
        report = dispatch.notifications_dispatch_due(enqueue=Recorder())
    assert (report.expired, report.claimed) == (2, 0)
    proposal.refresh_from_db()
    reminder.refresh_from_db()
    assert (proposal.state, proposal.email, proposal.sent_at is not None) == (State.SENT, False, True)
    assert (reminder.state, reminder.email) == (State.CANCELLED, True)
    assert mail.outbox == []


def test_retrying_a_failed_proposal_after_its_meeting_began_keeps_it_in_the_inbox_and_sends_nothing() -> None:
    from notifications.services import notifications_retry

    start = timezone.now()
    proposal = NotificationFactory(
        due_at=start, expires_at=start - timedelta(minutes=1), in_app_after_expiry=True, state=State.FAILED
    )
    assert notifications_retry(ids=[proposal.pk]).expired == 1
    proposal.refresh_from_db()
    assert (proposal.state, proposal.email) == (State.SENT, False)
