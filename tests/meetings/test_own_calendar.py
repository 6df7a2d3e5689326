"""The calendar of the person who moves or cancels an accepted meeting. Accepting already sends the one who accepts
the confirmed invitation; before, moving sent the mover nothing (the old slot stayed in their calendar until the
24-hour reminder) and cancelling sent the canceller nothing (the confirmed event stayed for good: the reminders that
would have carried the change were cancelled with the meeting)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from meetings import services
from meetings.ics import uid_for
from meetings.models import Meeting
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification
from tests.factories import video_meeting_proposed

pytestmark = pytest.mark.django_db


def at(days: int, hour: int) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def send_due(now: datetime | None = None) -> None:
    notifications_dispatch_due(
        enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim), now=now or timezone.now()
    )


def accepted_by_mentor(mentor: Any, trainee: Any) -> Meeting:
    """Tara proposed, Dr Patel accepted: both calendars hold the confirmed event (SEQUENCE 0)."""
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=at(5, 15))
    services.meeting_accept(meeting=meeting, by=mentor.user)
    send_due()
    mail.outbox.clear()
    return meeting


def emails_to(user: Any) -> list[Any]:
    return [email for email in mail.outbox if email.to == [user.email]]


def invitation(email: Any) -> Any:
    """The VEVENT of the e-mail's calendar part, with the part's METHOD."""
    (part,) = [p for p in email.attachments if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    return str(calendar["METHOD"]), calendar.walk("VEVENT")[0]


def test_the_mentor_who_moves_an_accepted_meeting_gets_the_updated_invitation_at_once(
    mentor: Any, trainee: Any
) -> None:
    meeting = accepted_by_mentor(mentor, trainee)
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(6, 16))
    send_due()

    [email] = emails_to(mentor.user)
    assert (
        email.subject
        == "Meeting moved to "
        + timezone.localtime(at(6, 16), mentor.zone()).strftime("%a %-d %b %Y, %H:%M")
        + " (America/New_York)"
    )
    assert "You moved your meeting with Tara Trainee to" in email.body
    assert "This updates the meeting in your calendar" in email.body
    method, event = invitation(email)
    # The same event (UID), a later version (SEQUENCE): calendars replace the old slot instead of adding one.
    assert (method, str(event["UID"]), event["SEQUENCE"], event["STATUS"]) == (
        "REQUEST",
        uid_for(meeting),
        1,
        "CONFIRMED",
    )
    assert event.decoded("DTSTART") == at(6, 16)
    # The trainee hears of it as before, in her own words.
    [to_trainee] = emails_to(trainee.user)
    assert "Dr Maya Patel moved your meeting to" in to_trainee.body


def test_the_movers_copy_is_an_email_for_the_calendar_not_a_new_message_in_their_inbox(
    mentor: Any, trainee: Any, login: Any
) -> None:
    meeting = accepted_by_mentor(mentor, trainee)
    unread_before = Notification.objects.unread_for(mentor.user).count()
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(6, 16))
    send_due()

    own = Notification.objects.get(recipient=mentor.user, kind="meeting_accepted", context={"moved": True})
    assert (own.email, own.in_app, own.state) == (True, False, Notification.State.SENT)
    assert Notification.objects.unread_for(mentor.user).count() == unread_before
    assert "You moved your meeting" not in login(mentor.user).get(reverse("notifications-inbox")).content.decode()


def test_each_move_sends_the_mover_its_own_update_and_never_one_twice(mentor: Any, trainee: Any) -> None:
    meeting = accepted_by_mentor(mentor, trainee)
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(6, 16))
    send_due()
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(7, 9))
    send_due()
    send_due()

    sequences = [invitation(email)[1]["SEQUENCE"] for email in emails_to(mentor.user)]
    assert sequences == [1, 2]


def test_the_movers_own_updates_do_not_count_as_moves_of_the_other_person(mentor: Any, trainee: Any) -> None:
    """The five-moves-a-day limit counts what each one put to the other: the mentor's three moves sent *him* three
    updates, which must not use up the trainee's allowance."""
    meeting = accepted_by_mentor(mentor, trainee)
    for day in (6, 7, 8):
        services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(day, 16))
    for hour in (9, 10, 11, 12, 13):
        services.meeting_reschedule(meeting=meeting, by=trainee.user, start=at(9, hour))
    assert Meeting.objects.get(pk=meeting.pk).start == at(9, 13)


def test_a_move_not_emailed_before_the_meeting_begins_is_not_sent_to_the_mover(mentor: Any, trainee: Any) -> None:
    meeting = accepted_by_mentor(mentor, trainee)
    moved = services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(6, 16))
    send_due(now=moved.start + timedelta(minutes=5))  # beat and the workers were down until then

    assert emails_to(mentor.user) == []
    own = Notification.objects.get(recipient=mentor.user, kind="meeting_accepted", context={"moved": True})
    assert own.state == Notification.State.CANCELLED


def test_a_proposal_moved_by_its_proposer_sends_the_proposer_nothing(mentor: Any, trainee: Any) -> None:
    # Only the other person has an invitation (a tentative one) to update; the proposer's calendar holds nothing.
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=at(5, 15))
    services.meeting_reschedule(meeting=meeting, by=trainee.user, start=at(6, 15))
    assert not Notification.objects.filter(recipient=trainee.user).exists()


def test_the_mentor_who_cancels_an_accepted_meeting_gets_the_cancellation_for_their_calendar(
    mentor: Any, trainee: Any
) -> None:
    meeting = accepted_by_mentor(mentor, trainee)
    services.meeting_cancel(meeting=meeting, by=mentor.user, reason="On call")
    send_due()

    [email] = emails_to(mentor.user)
    assert email.subject.startswith("Meeting cancelled: ")
    assert "You cancelled your meeting with Tara Trainee of" in email.body
    assert "Reason given: On call" in email.body
    assert "This updates the meeting in your calendar: the attached file removes it." in email.body
    method, event = invitation(email)
    assert (method, str(event["UID"]), event["SEQUENCE"], event["STATUS"]) == (
        "CANCEL",
        uid_for(meeting),
        1,
        "CANCELLED",
    )
    [to_trainee] = emails_to(trainee.user)
    assert "Dr Maya Patel cancelled the meeting" in to_trainee.body
    # The mentor's reminders stay cancelled; the cancellation is his one message, and not on his bell.
    own = Notification.objects.get(recipient=mentor.user, kind="meeting_cancelled")
    assert (own.in_app, own.context) == (False, {"own": True})


def test_declining_the_other_persons_proposal_sends_the_decliner_nothing(mentor: Any, trainee: Any) -> None:
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=at(5, 15))
    services.meeting_cancel(meeting=meeting, by=mentor.user)
    assert not Notification.objects.filter(recipient=mentor.user, kind="meeting_cancelled").exists()
    assert Notification.objects.filter(recipient=trainee.user, kind="meeting_cancelled").exists()


def test_the_trainee_who_moves_on_the_api_gets_her_update_too(mentor: Any, trainee: Any) -> None:
    meeting = accepted_by_mentor(mentor, trainee)
    client = APIClient()
    client.force_authenticate(trainee.user)
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/reschedule/", {"start": at(6, 16).isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content
    send_due()
    [email] = emails_to(trainee.user)
    assert "You moved your meeting with Dr Maya Patel to" in email.body
    assert invitation(email)[1]["SEQUENCE"] == 1


def test_the_trainee_who_cancels_on_the_page_gets_the_cancellation_and_an_outsider_cannot_cancel(
    mentor: Any, trainee: Any, outsider: Any, login: Any
) -> None:
    meeting = accepted_by_mentor(mentor, trainee)
    url = reverse("meetings-cancel", args=[meeting.pk])
    assert login(outsider.user).post(url, {"reason": "Mine now"}).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.ACCEPTED

    login(trainee.user).post(url, {"reason": "Exam moved", "sequence": 0, "status": "accepted"})
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    send_due()
    [email] = emails_to(trainee.user)
    assert "You cancelled your meeting with Dr Maya Patel" in email.body
    assert invitation(email)[0] == "CANCEL"
