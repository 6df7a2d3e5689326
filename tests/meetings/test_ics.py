"""The calendar invitation's ORGANIZER is the program's sender, the same for every version of one meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.ics import meeting_calendar
from notifications.dispatch import notification_send, notifications_dispatch_due
from tests.factories import video_meeting_proposed

pytestmark = pytest.mark.django_db


def event_of(ics: bytes) -> Any:
    return Calendar.from_ical(ics).walk("VEVENT")[0]


def test_a_counter_proposal_keeps_the_organizer_and_the_email_comes_from_it(
    mentor: Any, trainee: Any, settings: Any
) -> None:
    # Before: the ORGANIZER was whoever proposed the current time, so a counter-proposal changed the ORGANIZER of
    # the same UID (calendars ignore or refuse such an update), and it never matched the e-mail's From.
    settings.DEFAULT_FROM_EMAIL = "Cardiology mentoring <mentoring@hospital.example.org>"
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=start)
    first = event_of(meeting_calendar(meeting))
    services.meeting_suggest_time(meeting=meeting, by=mentor.user, start=start + timedelta(hours=2))
    meeting.refresh_from_db()
    second = event_of(meeting_calendar(meeting))

    assert first["uid"] == second["uid"]
    for event in (first, second):
        assert str(event["organizer"]) == "mailto:mentoring@hospital.example.org"
        assert event["organizer"].params["cn"] == "Cardiology mentoring"
    # Who proposed the time on the table has said yes to it; the other person is asked.
    partstat = {str(a): a.params["partstat"] for a in second["attendee"]}
    assert partstat == {f"mailto:{mentor.user.email}": "ACCEPTED", f"mailto:{trainee.user.email}": "NEEDS-ACTION"}
    assert {a.params["rsvp"] for a in second["attendee"]} == {"FALSE"}  # answered on the page, not by a reply

    notifications_dispatch_due(enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim))
    email = next(m for m in mail.outbox if m.to == [trainee.user.email])
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    (ics,) = email.attachments
    assert str(event_of(ics.get_payload(decode=True))["organizer"]) == "mailto:mentoring@hospital.example.org"
