"""A reminder that could not go out at its moment (beat or the workers down, the mail server refusing) says the
time actually left when it arrives, and gives way to the next reminder once that one is due, instead of arriving
beside it with a stale "in 24 hours"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from freezegun import freeze_time

from meetings import services
from meetings.models import Meeting
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification
from tests.factories import approved_match

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)


def send_due() -> None:
    notifications_dispatch_due(enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim))


def reminders_to(address: str) -> list[str]:
    return [e.subject for e in mail.outbox if e.to == [address] and e.subject.startswith("Reminder")]


@pytest.fixture
def meeting(mentor: Any, trainee: Any) -> Meeting:
    with freeze_time(datetime(2026, 11, 30, 12, 0, tzinfo=UTC)):
        proposal = services.meeting_propose(
            match=approved_match(mentor=mentor, trainee=trainee),
            by=mentor.user,
            start=START,
            duration_minutes=45,
            format="video",
            video_link="https://v.example.org/1",
        )
        accepted = services.meeting_accept(meeting=proposal, by=trainee.user)
        send_due()
    mail.outbox.clear()
    return accepted


def test_on_time_the_reminders_say_their_lead_times(meeting: Meeting) -> None:
    for lead in (24, 1):
        with freeze_time(START - timedelta(hours=lead, seconds=-40)):  # beat's tick lands within the minute
            send_due()
    assert reminders_to("tara@example.org") == [
        "Reminder: meeting with Dr Maya Patel in 24 hours",
        "Reminder: meeting with Dr Maya Patel in 1 hour",
    ]


def test_a_day_before_reminder_sent_five_hours_late_says_the_time_left(meeting: Meeting) -> None:
    with freeze_time(START - timedelta(hours=5)):  # beat was down from a day before until now
        send_due()
    assert reminders_to("tara@example.org") == ["Reminder: meeting with Dr Maya Patel in 5 hours"]


def test_a_day_before_reminder_still_unsent_when_the_hour_before_one_is_due_gives_way_to_it(
    meeting: Meeting, login: Any, trainee: Any
) -> None:
    with freeze_time(START - timedelta(minutes=50)):  # beat was down from a day before until now
        send_due()
        assert reminders_to("tara@example.org") == ["Reminder: meeting with Dr Maya Patel in 50 minutes"]
        assert reminders_to("maya@example.org") == ["Reminder: meeting with Tara Trainee in 50 minutes"]
        day_before = Notification.objects.filter(recipient=trainee.user, kind="meeting_reminder").earliest("due_at")
        assert day_before.state == Notification.State.CANCELLED
        # The inbox keeps only the message that counts, dated when it was due.
        inbox = login(trainee.user).get("/inbox/").content.decode()
        assert "in 24 hours" not in inbox
        assert "Reminder: meeting with Dr Maya Patel in 1 hour" in inbox
