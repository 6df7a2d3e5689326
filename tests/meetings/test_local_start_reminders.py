"""A meeting whose start reached the services in a zone other than UTC (the demo writes the mentor's own), and the
clocks changing before a meeting.

Found in review: the outbox key stored the start's wall-clock time as if it were UTC, so the inbox's reminder said
"in 19 hours" where the e-mail said "in 24 hours", and a proposal named a time five hours off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from meetings import services
from meetings.models import Meeting
from meetings.services.reminders import meeting_followups_write
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification
from notifications.rendering import inbox_entry
from tests.factories import approved_match, video_meeting_proposed

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def send_due() -> None:
    notifications_dispatch_due(enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim))


def test_a_meeting_written_with_a_local_start_reminds_with_the_right_time_in_the_inbox(
    mentor: Any, trainee: Any
) -> None:
    """The demo (and any caller) writes a meeting whose start is in the mentor's zone: the inbox's reminder must
    still say "in 24 hours", as the e-mail does, not "in 19 hours" (the occurrence stored the wall time as UTC)."""
    start = datetime(2026, 12, 10, 12, 30, tzinfo=NEW_YORK)  # 17:30 UTC
    with freeze_time(datetime(2026, 11, 30, 12, 0, tzinfo=UTC)):
        meeting = Meeting.objects.create(
            match=approved_match(mentor=mentor, trainee=trainee),
            proposed_by=trainee.user,
            start=start,
            duration_minutes=30,
            format=Meeting.Format.VIDEO,
            video_link="https://video.example.org/r",
            status=Meeting.Status.ACCEPTED,
        )
        meeting_followups_write(meeting=meeting)
    with freeze_time(start - timedelta(hours=24)):
        send_due()
        (email,) = [e for e in mail.outbox if e.to == ["tara@example.org"]]
        row = Notification.objects.get(kind="meeting_reminder", recipient=trainee.user, state="sent")
        entry = inbox_entry(row)
    assert email.subject.endswith("in 24 hours"), email.subject
    assert entry.subject == email.subject, (entry.subject, email.subject)


def test_a_proposal_made_with_a_local_start_reads_its_own_time_in_the_inbox(mentor: Any, trainee: Any) -> None:
    """meeting_propose given an aware start in New York time: the trainee's inbox must name the proposed time,
    not one five hours off."""
    start = datetime(2026, 12, 10, 12, 30, tzinfo=NEW_YORK)
    with freeze_time(datetime(2026, 11, 30, 12, 0, tzinfo=UTC)):
        video_meeting_proposed(mentor, trainee, by=mentor.user, start=start, duration_minutes=30)
        send_due()
        (email,) = [e for e in mail.outbox if e.to == ["tara@example.org"]]
        row = Notification.objects.get(kind="meeting_proposed")
        entry = inbox_entry(row)
    assert entry.subject == email.subject, (entry.subject, email.subject)


@pytest.mark.parametrize(
    "local_start",
    [
        datetime(2027, 3, 14, 10, 0),  # the morning after New York springs forward
        datetime(2027, 11, 7, 10, 0),  # the morning after New York falls back
    ],
)
def test_reminders_across_a_clock_change_come_at_their_lead_and_name_the_local_time(
    mentor: Any, trainee: Any, local_start: datetime
) -> None:
    """Both in New York; the meeting is the morning after the clocks change: each reminder comes once, its lead
    time before, and names 10:00 New York time."""
    trainee.time_zone = "America/New_York"
    trainee.save()
    start = local_start.replace(tzinfo=NEW_YORK).astimezone(UTC)
    with freeze_time(start - timedelta(days=5)):
        proposal = video_meeting_proposed(mentor, trainee, by=mentor.user, start=start, duration_minutes=30)
        services.meeting_accept(meeting=proposal, by=trainee.user)
        send_due()
    mail.outbox.clear()
    moment = start - timedelta(days=2)
    while moment < start + timedelta(hours=2):
        with freeze_time(moment):
            send_due()
        moment += timedelta(minutes=30)
    reminders = [e for e in mail.outbox if e.subject.startswith("Reminder") and e.to == ["tara@example.org"]]
    assert [e.subject.rsplit(" in ", 1)[1] for e in reminders] == ["24 hours", "1 hour"]
    for e in reminders:
        assert f"{local_start:%-d %b %Y}, 10:00 (America/New_York)" in e.body, e.body
