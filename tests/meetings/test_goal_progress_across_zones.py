"""A session log moves the trainee's goal unless she recorded progress after the session. Her change is a moment,
compared with the session's (its meeting's start, or the end of the log's day on the mentor's calendar). Before, her
calendar date was compared with his: with Kolkata and New York 10 h 30 min apart, her update at 07:00 on 11 Jan (20:30
on the 10th in New York) counted as after his session at 21:00 on the 10th, and the goal kept her older figure."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from freezegun import freeze_time
from rest_framework.test import APIClient

from meetings import services
from meetings.models import SessionGoal
from profiles.models import Goal
from profiles.services.goals import goal_create, goal_update
from tests.factories import GoalFactory, MeetingFactory, approved_match

pytestmark = pytest.mark.django_db

KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def in_kolkata(mentor: Any, trainee: Any) -> Any:
    """Tara (Kolkata) with a goal at 20 %, mentored by Dr Patel (New York)."""
    trainee.time_zone = "Asia/Kolkata"
    trainee.save()
    with freeze_time(datetime(2027, 1, 5, 12, 0, tzinfo=UTC)):
        match = approved_match(mentor=mentor, trainee=trainee)
        goal = GoalFactory(trainee=trainee, progress=20)
    return match, goal


def her_update(goal: Goal, at: datetime, progress: int = 40) -> None:
    with freeze_time(at):
        goal_update(goal=goal, user=goal.trainee.user, data={"progress": progress})


def his_log(match: Any, goal: Goal, *, day: date, at: datetime, meeting: Any = None, progress: int = 60) -> None:
    with freeze_time(at):
        services.session_log_create(
            match=match,
            by=match.mentor.user,
            meeting=meeting,
            date=day,
            duration_minutes=45,
            goal_updates=[services.GoalUpdate(goal=goal, progress=progress)],
            notes_shared="Went through the abstract.",
        )


def test_a_session_held_after_her_update_moves_the_goal(in_kolkata: Any) -> None:
    match, goal = in_kolkata
    her_update(goal, datetime(2027, 1, 11, 7, 0, tzinfo=KOLKATA))  # 20:30 on the 10th in New York
    meeting = MeetingFactory(match=match, start=datetime(2027, 1, 10, 21, 0, tzinfo=NEW_YORK), duration_minutes=45)
    his_log(match, goal, day=date(2027, 1, 10), at=datetime(2027, 1, 10, 22, 0, tzinfo=NEW_YORK), meeting=meeting)

    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (60, Goal.Status.IN_PROGRESS)


def test_her_update_made_after_the_meeting_began_stands(in_kolkata: Any) -> None:
    match, goal = in_kolkata
    meeting = MeetingFactory(match=match, start=datetime(2027, 1, 10, 21, 0, tzinfo=NEW_YORK), duration_minutes=45)
    her_update(goal, datetime(2027, 1, 11, 8, 0, tzinfo=KOLKATA))  # 21:30 in New York, during the meeting
    his_log(match, goal, day=date(2027, 1, 10), at=datetime(2027, 1, 10, 23, 0, tzinfo=NEW_YORK), meeting=meeting)

    goal.refresh_from_db()
    assert goal.progress == 40
    assert SessionGoal.objects.get(goal=goal).progress == 60  # kept on the log


def test_a_log_without_a_meeting_counts_to_the_end_of_its_day_on_the_mentors_calendar(in_kolkata: Any) -> None:
    match, goal = in_kolkata
    her_update(goal, datetime(2027, 1, 11, 7, 0, tzinfo=KOLKATA))  # still the 10th in New York
    his_log(match, goal, day=date(2027, 1, 10), at=datetime(2027, 1, 10, 23, 0, tzinfo=NEW_YORK))
    goal.refresh_from_db()
    assert goal.progress == 60

    her_update(goal, datetime(2027, 1, 12, 7, 0, tzinfo=KOLKATA), progress=70)  # the 11th in New York
    his_log(match, goal, day=date(2027, 1, 10), at=datetime(2027, 1, 11, 23, 0, tzinfo=NEW_YORK), progress=65)
    goal.refresh_from_db()
    assert goal.progress == 70  # her update came after his 10 Jan was over


def test_the_api_log_of_the_session_moves_the_goal_and_shows_the_mentor_the_new_figure(in_kolkata: Any) -> None:
    match, goal = in_kolkata
    her_update(goal, datetime(2027, 1, 11, 7, 0, tzinfo=KOLKATA))
    MeetingFactory(match=match, start=datetime(2027, 1, 10, 21, 0, tzinfo=NEW_YORK), duration_minutes=45)
    client = APIClient()
    client.force_authenticate(match.mentor.user)
    with freeze_time(datetime(2027, 1, 10, 22, 0, tzinfo=NEW_YORK)):
        response = client.post(
            "/api/v1/session-logs/",
            {
                "match": match.pk,
                "date": "2027-01-10",
                "duration_minutes": 45,
                "goals": [{"goal": goal.pk, "progress": 60}],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["meeting"] is not None  # the meeting held that day
        listed = client.get(f"/api/v1/matches/{match.pk}/goals/").json()
    assert [row["progress"] for row in listed] == [60]


def test_the_trainee_records_the_moment_she_sets_progress(trainee: Any) -> None:
    at = datetime(2027, 1, 11, 1, 30, tzinfo=UTC)
    with freeze_time(at):
        goal = goal_create(user=trainee.user, data={"title": "Publish", "status": "in_progress", "progress": 10})
    assert goal.progress_set_by_trainee_at == at
    with freeze_time(datetime(2027, 1, 12, 9, 0, tzinfo=UTC)):
        goal_update(goal=goal, user=trainee.user, data={"title": "Publish the case report"})
    goal.refresh_from_db()
    assert goal.progress_set_by_trainee_at == at  # a new title is not progress


def test_the_migration_turns_the_day_she_set_it_into_a_moment_on_her_calendar(trainee: Any) -> None:
    migration = importlib.import_module("profiles.migrations.0006_goal_progress_set_by_trainee_at")
    trainee.time_zone = "Asia/Kolkata"
    trainee.save()
    last_saved_that_day = GoalFactory(trainee=trainee, progress_set_by_trainee_on=date(2027, 1, 11))
    saved = datetime(2027, 1, 11, 1, 30, tzinfo=UTC)  # 07:00 on the 11th in Kolkata
    saved_later = GoalFactory(trainee=trainee, progress_set_by_trainee_on=date(2027, 1, 11))
    never = GoalFactory(trainee=trainee)
    Goal.objects.filter(pk=last_saved_that_day.pk).update(updated_at=saved)
    Goal.objects.filter(pk=saved_later.pk).update(updated_at=datetime(2027, 1, 20, tzinfo=UTC))

    migration.from_the_day(apps, None)

    moments = dict(Goal.objects.values_list("pk", "progress_set_by_trainee_at"))
    assert moments[last_saved_that_day.pk] == saved
    assert moments[saved_later.pk] == datetime(2027, 1, 11, 0, 0, tzinfo=KOLKATA)
    assert moments[never.pk] is None
