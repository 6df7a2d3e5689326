"""New session logs through the API and the goal progress they report: a log dated before progress recorded since
keeps its figure without moving the goal, and the log of an ended match touches only goals from during it."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from matching.models import Match
from meetings import services
from meetings.models import SessionLog
from profiles.models import Goal
from tests.api.conftest import World
from tests.factories import GoalFactory, MentorProfileFactory, approved_match, mentors_today

pytestmark = pytest.mark.django_db


def _log(world: World, day: date, *goals: tuple[Goal, int]) -> Any:
    return world.client("mentor").post(
        "/api/v1/session-logs/",
        {
            "match": world.objects["match"].pk,
            "date": str(day),
            "duration_minutes": 30,
            "goals": [{"goal": goal.pk, "progress": progress} for goal, progress in goals],
        },
        format="json",
    )


def _today(world: World) -> date:
    match = world.objects["match"]
    assert isinstance(match, Match)
    return mentors_today(match)


def _goal(world: World) -> Goal:
    goal = world.objects["goal"]
    assert isinstance(goal, Goal)
    return goal


def test_a_forgotten_earlier_session_does_not_reopen_a_goal_a_later_session_marked_achieved(world: World) -> None:
    goal, today = _goal(world), _today(world)
    assert _log(world, today - timedelta(days=1), (goal, 100)).status_code == 201

    forgotten = _log(world, today - timedelta(days=60), (goal, 20))

    assert forgotten.status_code == 201, forgotten.content[:300]
    assert forgotten.json()["goals"] == [{"goal": goal.pk, "progress": 20, "note": ""}]  # on the log, as reported
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.ACHIEVED, 100)


def test_an_earlier_session_does_not_undo_the_progress_the_trainee_recorded_since(world: World) -> None:
    goal, today = _goal(world), _today(world)
    assert (
        world.client("trainee").patch(f"/api/v1/goals/{goal.pk}/", {"progress": 70}, format="json").status_code == 200
    )

    assert _log(world, today - timedelta(days=60), (goal, 20)).status_code == 201

    assert Goal.objects.get(pk=goal.pk).progress == 70


def test_a_later_session_of_another_mentor_keeps_its_progress_too(world: World) -> None:
    # The trainee has a second mentor, whose session yesterday put the goal at 90 %.
    goal, today = _goal(world), _today(world)
    second = approved_match(mentor=MentorProfileFactory(), trainee=world.objects["trainee_profile"])
    services.session_log_create(
        match=second,
        by=second.mentor.user,
        date=today - timedelta(days=1),
        duration_minutes=30,
        goal_updates=[services.GoalUpdate(goal=goal, progress=90)],
    )

    assert _log(world, today - timedelta(days=30), (goal, 40)).status_code == 201

    assert Goal.objects.get(pk=goal.pk).progress == 90


def test_back_dated_logs_still_move_the_goal_when_nothing_later_was_recorded(world: World) -> None:
    # A program moving its pairs from a spreadsheet logs their sessions oldest first: each one moves the goal on.
    goal, today = _goal(world), _today(world)
    assert _log(world, today - timedelta(days=60), (goal, 40)).status_code == 201
    assert Goal.objects.get(pk=goal.pk).progress == 40

    assert _log(world, today - timedelta(days=30), (goal, 100)).status_code == 201

    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.ACHIEVED, 100)


def test_correcting_an_earlier_logs_figure_leaves_the_progress_a_later_session_recorded(world: World) -> None:
    goal, today = _goal(world), _today(world)
    earlier = _log(world, today - timedelta(days=30), (goal, 40)).json()
    assert _log(world, today - timedelta(days=1), (goal, 80)).status_code == 201
    mentor, url = world.client("mentor"), f"/api/v1/session-logs/{earlier['id']}/"

    edited = mentor.put(url, {**mentor.get(url).json(), "goals": [{"goal": goal.pk, "progress": 45}]}, format="json")

    assert edited.status_code == 200, edited.content[:300]
    assert edited.json()["goals"] == [{"goal": goal.pk, "progress": 45, "note": ""}]
    assert Goal.objects.get(pk=goal.pk).progress == 80


def _end(world: World, days_ago: int = 10) -> tuple[Match, date]:
    match = world.objects["match"]
    assert isinstance(match, Match)
    ended = timezone.now() - timedelta(days=days_ago)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.ENDED, ended_at=ended, end_reason="done")
    match.refresh_from_db()
    return match, timezone.localdate(ended, timezone=zoneinfo.ZoneInfo(match.mentor.time_zone))


def test_a_former_mentor_cannot_move_a_goal_the_trainee_added_after_the_mentorship_ended(world: World) -> None:
    _, ended_on = _end(world)
    goal = GoalFactory(trainee=world.objects["trainee_profile"], title="New plan", status="in_progress", progress=10)
    logs_before = SessionLog.objects.count()

    response = _log(world, ended_on, (goal, 100))

    assert response.status_code == 400, response.content[:300]
    assert "goals" in response.json()["error"]["fields"]
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.IN_PROGRESS, 10)
    assert SessionLog.objects.count() == logs_before


def test_a_former_mentor_still_records_progress_on_goals_from_during_the_mentorship(world: World) -> None:
    match, ended_on = _end(world)
    goal = _goal(world)  # created with the world, before the end
    Goal.objects.filter(pk=goal.pk).update(created_at=match.ended_at - timedelta(days=5))

    response = _log(world, ended_on, (goal, 100))

    assert response.status_code == 201, response.content[:300]
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACHIEVED


def test_a_former_mentor_is_refused_a_goal_added_after_the_end_even_while_mentoring_the_trainee_again(
    world: World,
) -> None:
    # The pair matched again: the new goal is the new match's business, not the old one's log.
    match, ended_on = _end(world)
    approved_match(mentor=match.mentor, trainee=match.trainee)
    goal = GoalFactory(trainee=world.objects["trainee_profile"], title="New plan", status="in_progress", progress=10)

    response = _log(world, ended_on, (goal, 100))

    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["fields"]["goals"]
    assert Goal.objects.get(pk=goal.pk).progress == 10


def test_a_new_goal_or_a_renamed_one_still_moves_with_a_session_logged_late(world: World) -> None:
    # Only the trainee's own word on how far a goal is holds a late log back: not adding it, nor renaming it.
    trainee, today = world.client("trainee"), _today(world)
    created = trainee.post("/api/v1/goals/", {"title": "Present a poster"}, format="json")
    assert created.status_code == 201, created.content[:300]
    goal = Goal.objects.get(pk=created.json()["id"])
    assert (
        trainee.patch(f"/api/v1/goals/{goal.pk}/", {"title": "Present a poster at ACP"}, format="json").status_code
        == 200
    )

    assert _log(world, today - timedelta(days=7), (goal, 30)).status_code == 201

    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.IN_PROGRESS, 30)
