"""Where the inactivity clock starts, for the nudges and the "no session" at-risk flag alike: the later of the last
logged session's day, on its mentor's calendar, and the start of the last accepted meeting that has begun (logged or
not yet). Before, it counted logs only, from midnight UTC of their date: a New York mentor who logged on 10 Jan was
told "No session … for 30 days" on the evening of his 29th day, and a trainee who met ten days ago was told "You have
not had a session for 30 days" because the mentor had not logged it yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meetings.models import Meeting
from meetings.services.followups import idle_since, matches_follow_up
from notifications.models import Notification
from notifications.rendering import render_email
from tests.factories import MeetingFactory, SessionLogFactory, approved_match

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NUDGE = "inactivity_nudge"


def nudges() -> list[Notification]:
    return list(Notification.objects.filter(kind=NUDGE).order_by("pk"))


def test_the_nudge_counts_the_days_on_the_mentors_calendar(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    SessionLogFactory(match=match, date=date(2027, 1, 10))  # dated the mentor's 10 Jan (New York)

    matches_follow_up(now=datetime(2027, 2, 8, 20, 0, tzinfo=NEW_YORK))  # the evening of his 29th day
    assert nudges() == []

    matches_follow_up(now=datetime(2027, 2, 9, 0, 30, tzinfo=NEW_YORK))  # his 30th day has begun
    assert {(n.recipient, n.context["idle_days"]) for n in nudges()} == {(mentor.user, 30), (trainee.user, 30)}
    assert all(n.due_at == datetime(2027, 2, 9, 0, 0, tzinfo=NEW_YORK) for n in nudges())


def test_a_meeting_held_but_not_logged_yet_restarts_the_clock(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    held = MeetingFactory(match=match, start=timezone.now() - timedelta(days=10))  # accepted and held, not logged

    assert matches_follow_up().nudges == 0  # nobody is told they have not met

    matches_follow_up(now=held.start + timedelta(days=30, minutes=1))
    to_trainee = render_email(Notification.objects.get(kind=NUDGE, recipient=trainee.user))
    assert "You and Dr Maya Patel have not had a session for 30 days" in to_trainee.text


@pytest.mark.parametrize(
    "meeting",
    [
        {"status": Meeting.Status.PROPOSED},  # never accepted: it did not take place
        {"status": Meeting.Status.CANCELLED},
    ],
)
def test_a_meeting_that_did_not_take_place_does_not_restart_it(
    mentor: Any, trainee: Any, meeting: dict[str, Any]
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    MeetingFactory(match=match, start=timezone.now() - timedelta(days=10), **meeting)
    assert matches_follow_up().nudges == 2


def test_the_later_of_the_last_log_and_the_last_meeting_held_counts(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=90))
    MeetingFactory(match=match, start=timezone.now() - timedelta(days=45))
    SessionLogFactory(match=match, date=timezone.localdate(timezone=NEW_YORK) - timedelta(days=20))  # logged since
    assert matches_follow_up().nudges == 0


def test_the_at_risk_flag_keeps_the_same_clock_as_the_nudges(mentor: Any, trainee: Any) -> None:
    decided = timezone.now() - timedelta(days=100)
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=decided)
    held = MeetingFactory(match=match, start=decided + timedelta(days=50))  # held, never logged

    # 50 days after the meeting: one nudge, and no flag (two whole periods raise it), though the match has no log.
    report = matches_follow_up()
    match.refresh_from_db()
    assert (report.nudges, report.flagged, match.at_risk_since) == (2, 0, None)

    # Two whole periods after it: the second nudge and the flag, together.
    report = matches_follow_up(now=held.start + timedelta(days=60, minutes=1))
    match.refresh_from_db()
    assert (report.nudges, report.flagged) == (2, 1)
    assert match.at_risk_reason.startswith("No session logged in 60 days")


def test_a_meeting_held_clears_the_no_session_flag_as_a_log_would(mentor: Any, trainee: Any) -> None:
    decided = timezone.now() - timedelta(days=61)
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=decided)
    MeetingFactory(match=match, start=decided + timedelta(days=1))
    matches_follow_up()
    match.refresh_from_db()
    assert match.at_risk_reason.startswith("No session logged in 60 days")

    MeetingFactory(match=match, start=timezone.now() - timedelta(hours=2))  # they met today; not logged yet
    assert matches_follow_up().unflagged == 1
    match.refresh_from_db()
    assert match.at_risk_since is None
    assert match.transitions.last().reason.endswith("Its cause has gone: a session was held or logged since.")


def test_idle_since_takes_the_latest_moment() -> None:
    approved = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
    meeting = datetime(2027, 1, 10, 23, 0, tzinfo=UTC)
    assert (
        idle_since(approved_at=approved, last_log_date=None, last_meeting_start=None, mentor_zone=NEW_YORK) == approved
    )
    assert idle_since(
        approved_at=approved, last_log_date=date(2027, 1, 10), last_meeting_start=None, mentor_zone=NEW_YORK
    ) == datetime(2027, 1, 10, 5, 0, tzinfo=UTC)  # midnight in New York, not in UTC
    assert (
        idle_since(
            approved_at=approved, last_log_date=date(2027, 1, 10), last_meeting_start=meeting, mentor_zone=NEW_YORK
        )
        == meeting
    )
    assert idle_since(
        approved_at=approved, last_log_date=date(2027, 1, 12), last_meeting_start=meeting, mentor_zone=NEW_YORK
    ) == datetime(2027, 1, 12, 5, 0, tzinfo=UTC)
