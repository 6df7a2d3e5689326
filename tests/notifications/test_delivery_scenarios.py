"""Reminders and prompts through the dispatcher, in process, when things go wrong around them: a mail server failing
mid-batch, a meeting moved or a match ended after the reminders were written, a changed address, dispatch running
twice. Written in a review of delivery (2026-12-01); each held."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from freezegun import freeze_time

from meetings import services
from meetings.models import Meeting
from notifications.dispatch import Outcome, notification_send, notifications_dispatch_due
from notifications.models import Notification
from tests.factories import video_meeting_proposed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
START = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)


def send_due(results: list[Any] | None = None) -> None:
    def enqueue(pk: int, claim: str) -> None:
        r = notification_send(notification_id=pk, claim=claim)
        if results is not None:
            results.append((pk, claim, r))

    notifications_dispatch_due(enqueue=enqueue)


def accepted_meeting(mentor: Any, trainee: Any, start: datetime = START) -> Meeting:
    proposal = video_meeting_proposed(mentor, trainee, by=mentor.user, start=start, duration_minutes=45)
    return services.meeting_accept(meeting=proposal, by=trainee.user)


def test_a_mail_server_failing_mid_batch_loses_nothing_and_sends_nothing_twice(
    mentor: Any, trainee: Any, monkeypatch: Any
) -> None:
    """The mail server drops the connection on the third e-mail of a batch: each person still gets each reminder
    exactly once."""
    with freeze_time(NOW):
        accepted_meeting(mentor, trainee)
        send_due()
    mail.outbox.clear()
    calls = {"n": 0}
    real = EmailBackend.send_messages

    def flaky(self: Any, messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise smtplib.SMTPServerDisconnected("gone")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    results: list[Any] = []
    with freeze_time(START - timedelta(hours=24)):
        send_due(results)
    retries = [(pk, claim) for pk, claim, r in results if r.outcome == Outcome.RETRY]
    assert len(retries) == 1
    with freeze_time(START - timedelta(hours=24) + timedelta(minutes=2)):
        for pk, claim in retries:
            notification_send(notification_id=pk, claim=claim)
        send_due()
    subjects = sorted((e.to[0], e.subject) for e in mail.outbox)
    assert len(subjects) == 2, subjects
    assert len(set(subjects)) == 2, subjects


def test_a_meeting_moved_after_its_reminders_were_written_reminds_only_at_the_new_time(
    mentor: Any, trainee: Any
) -> None:
    """Moved a day later after its reminders were written (and the 24h one claimed): only reminders naming the new
    time arrive, at the new moments."""
    with freeze_time(NOW):
        meeting = accepted_meeting(mentor, trainee)
        send_due()
    mail.outbox.clear()
    new_start = START + timedelta(days=1)
    with freeze_time(START - timedelta(hours=30)):
        services.meeting_reschedule(meeting=meeting, by=mentor.user, start=new_start)
        send_due()
    mail.outbox.clear()
    for moment in (
        START - timedelta(hours=24),
        START - timedelta(hours=1),
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=1),
        new_start + timedelta(hours=2),
    ):
        with freeze_time(moment):
            send_due()
    reminders = [(e.to[0], e.subject, e.body) for e in mail.outbox if e.subject.startswith("Reminder")]
    assert len(reminders) == 4, [r[:2] for r in reminders]
    for _, _, body in reminders:
        assert "11 Dec 2026" in body, body


def test_a_match_ended_after_the_reminder_was_claimed_sends_no_reminder(
    mentor: Any, trainee: Any, coordinator: Any
) -> None:
    """The coordinator ends the match while the reminder's send task waits in the queue: no reminder arrives."""
    from matching.services.decisions import match_end

    with freeze_time(NOW):
        meeting = accepted_meeting(mentor, trainee)
        send_due()
    mail.outbox.clear()
    queued: list[tuple[int, str]] = []
    with freeze_time(START - timedelta(hours=24)):
        notifications_dispatch_due(enqueue=lambda pk, claim: queued.append((pk, claim)))
        assert queued
        coordinator.is_staff = True
        coordinator.save()
        meeting.match.program.coordinators.add(coordinator) if hasattr(meeting.match.program, "coordinators") else None
        match_end(match=meeting.match, by=coordinator, reason="over")
        for pk, claim in queued:
            notification_send(notification_id=pk, claim=claim)
    for moment in (START - timedelta(hours=1), START + timedelta(hours=2)):
        with freeze_time(moment):
            send_due()
    kinds = [e.subject for e in mail.outbox]
    assert not [s for s in kinds if s.startswith("Reminder")], kinds
    assert not Notification.objects.filter(kind__in=["meeting_feedback_prompt", "session_log_prompt"], state="sent")


def test_a_changed_email_address_gets_the_reminder(mentor: Any, trainee: Any) -> None:
    """The trainee changes their address after the meeting was accepted: the reminder goes to the new address."""
    with freeze_time(NOW):
        accepted_meeting(mentor, trainee)
        send_due()
    mail.outbox.clear()
    trainee.user.email = "tara.new@example.org"
    trainee.user.save()
    with freeze_time(START - timedelta(hours=24)):
        send_due()
    to = sorted(e.to[0] for e in mail.outbox)
    assert to == ["maya@example.org", "tara.new@example.org"], to


def test_feedback_prompts_go_once_per_held_meeting_even_if_dispatch_runs_twice(mentor: Any, trainee: Any) -> None:
    """Two beat processes tick in the same minute after the meeting: one feedback prompt each."""
    with freeze_time(NOW):
        accepted_meeting(mentor, trainee)
        send_due()
    mail.outbox.clear()
    with freeze_time(START + timedelta(minutes=46)):
        send_due()
        send_due()
    prompts = [e.to[0] for e in mail.outbox if e.subject.startswith("How was")]
    assert sorted(prompts) == ["maya@example.org", "tara@example.org"], [e.subject for e in mail.outbox]
