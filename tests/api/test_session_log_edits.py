"""Editing a session log through the API: the goal progress it reported is history, not a command to repeat."""

from __future__ import annotations

import pytest

from profiles.models import Goal
from tests.api.conftest import World

pytestmark = pytest.mark.django_db


def _log_progress(world: World, progress: int, **fields: str) -> str:
    """The mentor logs a session of 2 Nov 2026 reporting `progress` on the trainee's goal; the new log's URL."""
    logged = world.client("mentor").post(
        "/api/v1/session-logs/",
        {
            "match": world.objects["match"].pk,
            "date": "2026-11-02",
            "duration_minutes": 30,
            **fields,
            "goals": [{"goal": world.objects["goal"].pk, "progress": progress}],
        },
        format="json",
    )
    assert logged.status_code == 201, logged.content[:300]
    return f"/api/v1/session-logs/{logged.json()['id']}/"


def test_editing_an_old_log_does_not_undo_the_progress_the_trainee_recorded_since(world: World) -> None:
    # Before: the mentor fixed a typo in last month's log (sending back what GET returned, goals included) and the
    # trainee's goal fell back from 80 % to the 50 % that log had reported.
    mentor, trainee = world.client("mentor"), world.client("trainee")
    goal = world.objects["goal"]
    url = _log_progress(world, 50, notes_shared="We planned the case report.")
    assert trainee.patch(f"/api/v1/goals/{goal.pk}/", {"progress": 80}, format="json").status_code == 200

    edited = mentor.put(
        url, {**mentor.get(url).json(), "notes_shared": "We planned the case report together."}, format="json"
    )

    assert edited.status_code == 200, edited.content[:300]
    assert Goal.objects.get(pk=goal.pk).progress == 80
    assert edited.json()["goals"] == [{"goal": goal.pk, "progress": 50, "note": ""}]


def test_editing_a_logs_progress_moves_the_goal_to_the_corrected_value(world: World) -> None:
    mentor = world.client("mentor")
    goal = world.objects["goal"]
    url = _log_progress(world, 50)

    edited = mentor.put(url, {**mentor.get(url).json(), "goals": [{"goal": goal.pk, "progress": 60}]}, format="json")

    assert edited.status_code == 200, edited.content[:300]
    assert Goal.objects.get(pk=goal.pk).progress == 60


def test_a_log_sent_back_keeps_its_figure_for_a_goal_the_trainee_dropped_since(world: World) -> None:
    # The web form lost such a figure on any edit (it did not show dropped goals). The API's PUT replaces what the
    # log says with what it is sent, and a goal dropped since can be sent back: what GET read keeps it.
    mentor = world.client("mentor")
    goal = world.objects["goal"]
    url = _log_progress(world, 40, notes_shared="We planned the grant.")
    Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.DROPPED)

    edited = mentor.put(url, {**mentor.get(url).json(), "notes_shared": "We planned the grant bid."}, format="json")

    assert edited.status_code == 200, edited.content[:300]
    assert edited.json()["goals"] == [{"goal": goal.pk, "progress": 40, "note": ""}]
    assert mentor.patch(url, {"notes_shared": "x"}, format="json").status_code == 405  # no partial edit to differ
