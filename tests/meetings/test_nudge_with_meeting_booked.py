"""The inactivity nudge ("Time to meet … again? Propose a meeting") is not sent while an accepted meeting is ahead,
and it speaks to the trainee about meeting, not about the session log only the mentor writes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from meetings.services.followups import matches_follow_up
from notifications.models import Notification
from notifications.rendering import render_email
from tests.factories import MeetingFactory, approved_match

pytestmark = pytest.mark.django_db

NUDGE = "inactivity_nudge"


def test_no_nudge_while_an_accepted_meeting_is_ahead_nor_until_a_whole_period_after_it_was_held(
    mentor: Any, trainee: Any
) -> None:
    # Before: approved 31 days ago, a meeting accepted for tomorrow, and both were still told to propose one.
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    meeting = MeetingFactory(match=match, start=timezone.now() + timedelta(days=1))
    assert matches_follow_up().nudges == 0
    assert not Notification.objects.filter(kind=NUDGE).exists()
    # Under way: still booked.
    assert matches_follow_up(now=meeting.start + timedelta(minutes=10)).nudges == 0
    # Over and not logged yet: they met all the same (the mentor has a prompt to log it), so the clock counts from
    # the meeting. Before, the nudges resumed at once, telling the trainee they had not had a session for 30 days.
    assert matches_follow_up(now=meeting.end + timedelta(minutes=1)).nudges == 0
    assert matches_follow_up(now=meeting.start + timedelta(days=30, minutes=1)).nudges == 2
    assert {n.recipient for n in Notification.objects.filter(kind=NUDGE)} == {mentor.user, trainee.user}


def test_a_booked_meeting_does_not_flag_the_match_for_inactivity_either(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=61))
    MeetingFactory(match=match, start=timezone.now() - timedelta(days=50))  # the first meeting, held
    MeetingFactory(match=match, start=timezone.now() + timedelta(days=2))
    report = matches_follow_up()
    match.refresh_from_db()
    assert (report.nudges, report.flagged, match.at_risk_since) == (0, 0, None)


@pytest.mark.parametrize(
    "meeting",
    [
        {"status": "proposed", "start": timedelta(days=1)},  # not accepted: not booked
        {"status": "cancelled", "start": timedelta(days=1)},
    ],
)
def test_a_meeting_that_is_not_booked_ahead_does_not_stop_the_nudge(
    meeting: dict[str, Any], mentor: Any, trainee: Any
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    MeetingFactory(match=match, status=meeting["status"], start=timezone.now() + meeting["start"])
    assert matches_follow_up().nudges == 2


def test_the_trainee_is_asked_to_meet_and_only_the_mentor_is_told_about_the_log(mentor: Any, trainee: Any) -> None:
    approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    matches_follow_up()
    to_trainee = render_email(Notification.objects.get(kind=NUDGE, recipient=trainee.user))
    to_mentor = render_email(Notification.objects.get(kind=NUDGE, recipient=mentor.user))
    for part in (to_trainee.text, to_trainee.html):
        assert "log" not in part.lower()
        assert "You and Dr Maya Patel have not had a session for 30 days" in part
        assert "Propose a meeting" in part
    for part in (to_mentor.text, to_mentor.html):
        assert "No session has been logged with Tara Trainee for 30 days" in part
    assert to_trainee.subject == "Time to meet Dr Maya Patel again?"
