"""The demo history the lead's seed_demo adds: meetings, logs and feedback for the demo logins, idempotent."""

from __future__ import annotations

import zoneinfo
from typing import Any

import pytest

from meetings.demo import ensure_demo_meetings
from meetings.models import Feedback, Meeting, SessionGoal, SessionLog
from tests.factories import (
    CoordinatorFactory,
    GoalFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people() -> dict[str, Any]:
    domain = "demo.mentorship.test"
    people = {
        "mentor": MentorProfileFactory(user__email=f"mentor@{domain}"),
        "trainee": TraineeProfileFactory(user__email=f"trainee@{domain}"),
    }
    for i in range(3):
        MentorProfileFactory(user__email=f"m{i}@{domain}")
        TraineeProfileFactory(user__email=f"t{i}@{domain}")
    return people


def test_the_demo_logins_get_past_meetings_with_logs_and_feedback_and_one_upcoming(demo_people: dict[str, Any]) -> None:
    program, coordinator = ProgramFactory(), CoordinatorFactory()
    result = ensure_demo_meetings(program=program, coordinator=coordinator)
    assert result.matches == 4
    mine = Meeting.objects.filter(match__trainee=demo_people["trainee"])
    assert mine.count() == 3
    assert sum(m.is_upcoming() for m in mine) == 1
    # At hours a physician would meet in the mentor's own zone, not at whatever hour the seed ran.
    zone = zoneinfo.ZoneInfo(demo_people["mentor"].time_zone)
    assert sorted(f"{m.start.astimezone(zone):%H:%M}" for m in mine) == ["12:30", "17:00", "17:00"]
    assert SessionLog.objects.filter(match__mentor=demo_people["mentor"]).count() == 2
    assert Feedback.objects.filter(meeting__match__trainee=demo_people["trainee"]).count() == 4


def test_the_trainees_goal_stands_where_the_last_demo_session_left_it(demo_people: dict[str, Any]) -> None:
    # Before, the goal said 30 % and not started while the latest session log recorded 60 %.
    goal = GoalFactory(trainee=demo_people["trainee"], progress=0, status="not_started")
    ensure_demo_meetings(program=ProgramFactory(), coordinator=CoordinatorFactory())
    last = SessionGoal.objects.filter(goal=goal).order_by("-session__date").first()
    goal.refresh_from_db()
    assert last is not None
    assert (goal.progress, goal.status) == (last.progress, "in_progress")


def test_running_it_again_adds_nothing(demo_people: dict[str, Any]) -> None:
    program, coordinator = ProgramFactory(), CoordinatorFactory()
    ensure_demo_meetings(program=program, coordinator=coordinator)
    counts = (Meeting.objects.count(), SessionLog.objects.count(), Feedback.objects.count())
    again = ensure_demo_meetings(program=program, coordinator=coordinator)
    assert again.matches == 0
    assert (Meeting.objects.count(), SessionLog.objects.count(), Feedback.objects.count()) == counts
