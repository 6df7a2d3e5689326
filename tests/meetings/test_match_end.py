"""A coordinator ends a match: its meetings still to come are cancelled with their reminders, both people get
the cancellation for their calendars, and meetings already held keep their feedback and session-log prompts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from matching.services import decisions
from meetings import services
from meetings.models import Meeting
from meetings.services.reminders import meeting_followups_write
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification
from notifications.services import notify
from tests.factories import MeetingFactory, ProgramFactory, approved_match

pytestmark = pytest.mark.django_db


def _dispatch(now: Any = None) -> int:
    return notifications_dispatch_due(
        enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim), now=now
    )


@pytest.fixture
def arranged(mentor: Any, trainee: Any, coordinator: Any) -> dict[str, Any]:
    """An approved match with an accepted meeting in 3 days, a proposal for 5 days and a meeting held 2 h ago."""
    match = approved_match(mentor=mentor, trainee=trainee, program=ProgramFactory(coordinators=[coordinator]))
    soon = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    accepted = services.meeting_propose(
        match=match, by=mentor.user, start=soon, duration_minutes=45, format="video", video_link="https://m.example/1"
    )
    services.meeting_accept(meeting=accepted, by=trainee.user)
    proposed = services.meeting_propose(
        match=match,
        by=trainee.user,
        start=soon + timedelta(days=2),
        duration_minutes=30,
        format="phone",
        phone="+1 555 0100",
    )
    _dispatch()  # the proposal and acceptance e-mails
    mail.outbox.clear()
    held = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=2), status=Meeting.Status.ACCEPTED)
    meeting_followups_write(meeting=held)  # its feedback and session-log prompts, due now
    return {"match": match, "accepted": accepted, "proposed": proposed, "held": held}


def _end_in_the_admin(client: Any, match: Match) -> None:
    client.post(
        reverse("admin:matching_match_changelist"),
        {"action": "end_selected", ACTION_CHECKBOX_NAME: [match.pk], "apply": "1", "reason": "Moved away"},
    )


def test_ending_a_match_cancels_its_upcoming_meetings_and_sends_both_the_calendar_cancellation(
    login: Any, coordinator: Any, mentor: Any, trainee: Any, arranged: dict[str, Any]
) -> None:
    checkin = notify(
        recipient=trainee.user,
        kind="checkin_survey",
        about=arranged["match"],
        due_at=timezone.now() + timedelta(days=9),
    )
    _end_in_the_admin(login(coordinator), arranged["match"])
    checkin.refresh_from_db()
    assert checkin.state == Notification.State.CANCELLED  # no "how is it going?" for a mentorship that is over

    for name in ("accepted", "proposed"):
        meeting = Meeting.objects.get(pk=arranged[name].pk)
        assert (meeting.status, meeting.cancel_reason) == (Meeting.Status.CANCELLED, "The mentorship has ended.")
        assert meeting.sequence == arranged[name].sequence + 1  # calendars replace the event
    assert Meeting.objects.get(pk=arranged["held"].pk).status == Meeting.Status.ACCEPTED
    _dispatch()
    cancellations = [m for m in mail.outbox if m.subject.startswith("Meeting cancelled")]
    assert sorted(m.to[0] for m in cancellations) == sorted([mentor.user.email, trainee.user.email] * 2)
    for message in cancellations:
        assert "is cancelled. Reason: The mentorship has ended." in message.body
        assert "cancelled the meeting" not in message.body  # neither of them did
        (invitation,) = message.attachments
        assert invitation.get_param("method") == "CANCEL"
        assert "METHOD:CANCEL" in invitation.get_payload(decode=True).decode()
    held_prompts = [m.subject for m in mail.outbox if m.subject.startswith(("Log your session", "How was"))]
    assert len(held_prompts) == 3  # the meeting already held is still to be logged (mentor) and rated (both)

    mail.outbox.clear()
    _dispatch(now=arranged["accepted"].start)  # the day of the cancelled meeting: no reminder, no prompt
    assert mail.outbox == []
    live = Notification.objects.filter(
        object_type="meeting", object_id__in=[arranged["accepted"].pk, arranged["proposed"].pk]
    ).exclude(state__in=[Notification.State.CANCELLED, Notification.State.SENT])
    assert not live.exists()


def test_a_meeting_cancelled_by_a_participant_still_says_who_cancelled_it(
    mentor: Any, trainee: Any, arranged: dict[str, Any]
) -> None:
    services.meeting_cancel(meeting=arranged["accepted"], by=trainee.user, reason="On call")
    _dispatch()
    cancellations = {m.to[0]: m for m in mail.outbox if m.subject.startswith("Meeting cancelled")}
    assert set(cancellations) == {mentor.user.email, trainee.user.email}
    message = cancellations[mentor.user.email]
    assert "Tara Trainee cancelled the meeting" in message.body
    assert "Reason: On call" in message.body
    # The canceller's own copy removes the event from her calendar, in her words.
    assert "You cancelled your meeting with Dr Maya Patel" in cancellations[trainee.user.email].body


def test_an_end_that_fails_midway_cancels_no_meeting(
    monkeypatch: Any, coordinator: Any, arranged: dict[str, Any]
) -> None:
    def mail_server_gone(**kwargs: Any) -> None:
        raise RuntimeError("the outbox write failed")

    monkeypatch.setattr(decisions, "notify", mail_server_gone)  # fails after the meetings were cancelled
    with pytest.raises(RuntimeError):
        decisions.match_end(match=arranged["match"], by=coordinator, reason="Moved away")
    assert Match.objects.get(pk=arranged["match"].pk).status == Match.Status.APPROVED
    accepted = Meeting.objects.get(pk=arranged["accepted"].pk)
    assert (accepted.status, accepted.sequence) == (Meeting.Status.ACCEPTED, arranged["accepted"].sequence)
    reminders = Notification.objects.filter(kind="meeting_reminder", object_id=accepted.pk)
    assert reminders.filter(state=Notification.State.PENDING).exists()


def test_the_trainee_sees_why_a_mentorship_ended_on_their_pages(
    login: Any, coordinator: Any, trainee: Any, arranged: dict[str, Any]
) -> None:
    # The reason reached only the e-mail: My requests said "Ended", My mentorship "No active mentorship yet".
    Match.objects.filter(pk=arranged["match"].pk).update(origin=Match.Origin.REQUEST)  # listed under My requests
    decisions.match_end(match=arranged["match"], by=coordinator, reason="Rohan is going on sabbatical")
    client = login(trainee.user)
    mentorship = client.get(reverse("matching-my-mentorship")).content.decode()
    assert "Past mentorships" in mentorship
    assert "Reason: Rohan is going on sabbatical" in mentorship
    assert reverse("meetings-match", args=[arranged["match"].pk]) in mentorship  # the notes stay readable
    assert client.get(reverse("meetings-match", args=[arranged["match"].pk])).status_code == 200
    requests = client.get(reverse("matching-requests")).content.decode()
    assert "Reason: Rohan is going on sabbatical" in requests
