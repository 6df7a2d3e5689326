"""Someone leaves (their account is deactivated): their meetings still to come are cancelled with their reminders,
and the other person gets the cancellation for their calendar.

Tried without the fix: an accepted meeting with a deactivated trainee stayed accepted, its reminders still went to
the mentor, and the mentor was asked for feedback on a meeting nobody would come to.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from matching.models import Match
from meetings import services
from meetings.models import Meeting
from meetings.services.reminders import SCHEDULED_KINDS
from notifications.models import Notification
from notifications.rendering import render_email
from profiles.services import user_deactivate
from tests.factories import MeetingFactory, approved_match

pytestmark = pytest.mark.django_db
State = Notification.State


def _accepted_meeting(match: Match, *, days: int) -> Meeting:
    meeting = services.meeting_propose(
        match=match,
        by=match.mentor.user,
        start=timezone.now() + timedelta(days=days),
        duration_minutes=30,
        format="video",
        video_link="https://video.example.org/room/7",
    )
    return services.meeting_accept(meeting=meeting, by=match.trainee.user)


def test_the_upcoming_meetings_of_someone_who_leaves_are_cancelled_and_the_other_person_told(
    mentor: Any, trainee: Any, coordinator: Any
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    accepted = _accepted_meeting(match, days=3)
    proposed = services.meeting_propose(
        match=match,
        by=mentor.user,
        start=timezone.now() + timedelta(days=10),
        duration_minutes=30,
        format="phone",
        phone="+1 555 0100",
    )
    assert Notification.objects.filter(object_id=accepted.pk, kind__in=SCHEDULED_KINDS, state=State.PENDING).exists()

    done = user_deactivate(user=trainee.user, by=coordinator)

    assert "2 upcoming meetings cancelled (the other person was told)" in done
    for meeting in (accepted, proposed):
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.CANCELLED
        assert meeting.cancelled_by == coordinator
        assert meeting.cancel_reason == "Tara Trainee is no longer taking part in the mentorship program."
        # Its reminders and prompts do not go out (as when a person cancels it).
        waiting = Notification.objects.filter(
            object_type="meeting", object_id=meeting.pk, kind__in=SCHEDULED_KINDS, state=State.PENDING
        )
        assert not waiting.exists()
        told = Notification.objects.filter(object_type="meeting", object_id=meeting.pk, kind="meeting_cancelled")
        assert [n.recipient for n in told] == [mentor.user]  # the mentor, not the one who left
    rendered = render_email(Notification.objects.get(kind="meeting_cancelled", object_id=accepted.pk))
    assert "is cancelled. Reason: Tara Trainee is no longer taking part in the mentorship program." in rendered.text


def test_meetings_already_held_keep_their_prompts_and_other_peoples_meetings_are_left_alone(
    mentor: Any, trainee: Any, outsider: Any, coordinator: Any
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    held = MeetingFactory(match=match, start=timezone.now() - timedelta(days=2))
    someone_elses = _accepted_meeting(approved_match(mentor=mentor, trainee=outsider), days=4)

    user_deactivate(user=trainee.user, by=coordinator)

    assert Meeting.objects.get(pk=held.pk).status == Meeting.Status.ACCEPTED
    assert Meeting.objects.get(pk=someone_elses.pk).status == Meeting.Status.ACCEPTED
    # The approved match itself stays, for a coordinator to end.
    assert Match.objects.get(pk=match.pk).status == Match.Status.APPROVED


def test_check_ins_and_nudges_already_queued_for_the_other_person_are_called_off(
    mentor: Any, trainee: Any, coordinator: Any
) -> None:
    from notifications.services import notify

    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    queued = notify(recipient=mentor.user, kind="checkin_survey", about=match, occurrence="p0", context={"period": 0})

    user_deactivate(user=trainee.user, by=coordinator)

    queued.refresh_from_db()
    assert queued.state == State.CANCELLED
