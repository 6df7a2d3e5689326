"""The hourly follow-ups: check-in surveys, inactivity nudges, at-risk flags; idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from meetings.services.followups import schedule_followups
from notifications.models import Notification
from tests.factories import MeetingFactory, SessionLogFactory, approved_match

pytestmark = pytest.mark.django_db


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id", "due_at"))


def test_a_fresh_match_gets_nothing(mentor: Any, trainee: Any) -> None:
    approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=2))
    report = schedule_followups()
    assert (report.checkins, report.nudges, report.flagged) == (0, 0, 0)
    assert Notification.objects.count() == 0


def test_the_first_check_in_goes_to_both_after_30_days_then_every_60(mentor: Any, trainee: Any) -> None:
    decided = timezone.now() - timedelta(days=31)
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=decided)
    SessionLogFactory(match=match, date=timezone.localdate())
    MeetingFactory(match=match, start=timezone.now() - timedelta(days=2))
    schedule_followups()
    checkins = rows("checkin_survey")
    assert {r.recipient for r in checkins} == {mentor.user, trainee.user}
    assert {r.context["period"] for r in checkins} == {0}
    schedule_followups(now=decided + timedelta(days=30 + 60 + 1))
    assert {r.context["period"] for r in rows("checkin_survey")} == {0, 1}


def test_running_twice_writes_nothing_new_and_reports_nothing_new(mentor: Any, trainee: Any) -> None:
    approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=65))
    first = schedule_followups()
    before = Notification.objects.count()
    second = schedule_followups()
    assert before > 0
    assert Notification.objects.count() == before
    assert (first.checkins, first.nudges) == (2, 2)  # the current check-in and nudge, to both people
    # Tried without the fix: every hourly run reported 2 check-ins and 2 nudges per match, written or not.
    assert (second.checkins, second.nudges) == (0, 0)


def test_no_session_for_the_threshold_nudges_both_and_a_second_nudge_flags_the_match(mentor: Any, trainee: Any) -> None:
    decided = timezone.now() - timedelta(days=31)
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=decided)
    MeetingFactory(match=match, start=decided + timedelta(days=3))
    schedule_followups()
    assert {r.recipient for r in rows("inactivity_nudge")} == {mentor.user, trainee.user}
    match.refresh_from_db()
    assert match.at_risk_since is None
    schedule_followups(now=decided + timedelta(days=61))
    assert len(rows("inactivity_nudge")) == 4
    match.refresh_from_db()
    assert match.at_risk_since is not None
    assert "No session" in match.at_risk_reason


def test_a_logged_session_restarts_the_inactivity_clock(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=45))
    MeetingFactory(match=match, start=timezone.now() - timedelta(days=10))
    SessionLogFactory(match=match, date=timezone.localdate() - timedelta(days=10))
    schedule_followups()
    assert rows("inactivity_nudge") == []


def test_no_meeting_within_the_first_meeting_window_flags_the_match(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=22))
    schedule_followups()
    match.refresh_from_db()
    assert "No meeting within 21 days" in match.at_risk_reason


def test_matches_that_are_not_approved_are_left_alone(mentor: Any, trainee: Any) -> None:
    from tests.factories import MatchFactory

    MatchFactory(mentor=mentor, trainee=trainee, status="ended", decided_at=timezone.now() - timedelta(days=100))
    assert schedule_followups().matches == 0


@pytest.mark.parametrize(
    ("meeting", "counts", "prompted"),
    [
        (None, False, True),
        # The other person has not accepted yet: no meeting for coordinators, but the home page asks them to
        # answer it rather than both to "propose one".
        ({"status": "proposed", "start": timedelta(days=3)}, False, False),
        ({"status": "proposed", "start": -timedelta(days=10)}, False, True),  # nobody answered before its time
        ({"status": "cancelled", "start": -timedelta(days=10)}, False, True),
        ({"status": "accepted", "start": -timedelta(days=10)}, True, False),  # held
        ({"status": "accepted", "start": timedelta(days=3)}, True, False),  # booked
    ],
)
def test_the_at_risk_flag_the_health_page_and_the_home_page_agree_on_a_first_meeting(
    meeting: dict[str, Any] | None, counts: bool, prompted: bool, mentor: Any, trainee: Any
) -> None:
    # Before, each had its own rule: the flag counted accepted meetings, the health page any meeting not
    # cancelled, the home page accepted ones or proposals for a time ahead (tried: the proposal rows disagreed).
    from matching.coordination.health import program_health
    from meetings.selectors import to_do_for

    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=22))
    if meeting is not None:
        MeetingFactory(match=match, status=meeting["status"], start=timezone.now() + meeting["start"])
    schedule_followups()
    match.refresh_from_db()
    flagged = "No meeting within" in match.at_risk_reason
    listed = match in program_health(program=match.program).no_first_meeting
    assert (flagged, listed) == (not counts,) * 2
    assert (match in to_do_for(user=trainee.user).first_meeting_due) == prompted


def test_a_match_ended_while_the_hourly_run_reads_gets_no_check_in_nor_flag(
    mentor: Any, trainee: Any, monkeypatch: Any
) -> None:
    # The run reads its matches first and writes afterwards; a coordinator ending one in between used to get a
    # check-in e-mail (to a page that refuses an ended match) and an at-risk flag. Simulated by letting the read
    # return the match the coordinator has just ended.
    from matching.models import Match, MatchQuerySet

    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=40))
    Match.objects.filter(pk=match.pk).update(status=Match.Status.ENDED)
    monkeypatch.setattr(MatchQuerySet, "active", lambda self: self.all())
    report = schedule_followups()
    assert (report.matches, report.checkins, report.flagged) == (0, 0, 0)
    assert not Notification.objects.filter(kind="checkin_survey").exists()
    match.refresh_from_db()
    assert match.at_risk_reason == ""
