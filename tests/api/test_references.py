"""An id in a request body that names someone else's object gets exactly the answer an id that does not exist gets.

A different answer (403 `not_in_match` for a real match, 400 "does not exist" for a made-up one) tells a caller
which ids are real, and so how many matches, meetings and goals other programs have: the 404-not-403 rule for
paths holds for bodies too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.api.conftest import World
from tests.api.schema_walk import row_counts

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 10**9


def _meeting(match: int) -> dict[str, Any]:
    start = (timezone.now() + timedelta(days=4)).replace(microsecond=0).isoformat()
    return {"match": match, "start": start, "format": "video", "video_link": "https://v.example.org/1"}


def _log(match: int) -> dict[str, Any]:
    return {"match": match, "date": str(date.today()), "duration_minutes": 30, "notes_shared": "Research plans."}


def _log_for_meeting(meeting: int) -> dict[str, Any]:
    return {"meeting": meeting, "date": str(date.today()), "duration_minutes": 30, "notes_shared": "Research plans."}


def _log_with_goal(world: World) -> Callable[[int], dict[str, Any]]:
    match = world.objects["match"].pk
    return lambda goal: {**_log(match), "goals": [{"goal": goal, "progress": 50}]}


def _feedback(meeting: int) -> dict[str, Any]:
    return {"meeting": meeting, "rating": 4, "useful": True}


CASES = [
    # (persona, url, body from an id, the world object that is someone else's, the field named)
    ("mentor", "/api/v1/meetings/", lambda w: _meeting, "victim_match", "match"),
    ("trainee", "/api/v1/meetings/", lambda w: _meeting, "victim_match", "match"),
    ("mentor", "/api/v1/session-logs/", lambda w: _log, "victim_match", "match"),
    ("mentor", "/api/v1/session-logs/", lambda w: _log_for_meeting, "victim_meeting", "meeting"),
    ("mentor", "/api/v1/session-logs/", _log_with_goal, "victim_goal", "goals"),
    ("trainee", "/api/v1/feedback/", lambda w: _feedback, "victim_meeting", "meeting"),
    ("mentor", "/api/v1/feedback/", lambda w: _feedback, "victim_meeting", "meeting"),
]


@pytest.mark.parametrize(
    ("persona", "url", "body", "key", "field"), CASES, ids=[f"{c[0]} {c[1]} {c[3]}" for c in CASES]
)
def test_someone_elses_id_in_a_body_is_answered_like_an_id_that_does_not_exist(
    world: World, persona: str, url: str, body: Any, key: str, field: str
) -> None:
    api = world.client(persona)
    make = body(world)
    before = row_counts()

    theirs = api.post(url, make(world.objects[key].pk), format="json")
    made_up = api.post(url, make(NO_SUCH_ID), format="json")

    assert theirs.status_code == made_up.status_code == 400, (theirs.content, made_up.content)
    assert field in theirs.json()["error"]["fields"]
    unmasked = str(theirs.json()).replace(str(world.objects[key].pk), "ID")
    assert unmasked == str(made_up.json()).replace(str(NO_SUCH_ID), "ID")
    assert row_counts() == before


def test_a_coordinator_who_sees_the_match_is_still_told_only_its_mentor_logs_its_sessions(world: World) -> None:
    # The coordinator of program A sees its matches (GET /matches/), so for him the match exists: refusing him
    # with "does not exist" would be false. He gets the service's 403.
    response = world.client("coordinator").post("/api/v1/session-logs/", _log(world.objects["match"].pk), format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mentor_only"


@pytest.mark.parametrize("action", ["rounds", "enrolments"])
@pytest.mark.parametrize(("persona", "program"), [("trainee", "other_program"), ("other_coordinator", "program")])
def test_a_program_one_does_not_coordinate_is_answered_like_one_that_does_not_exist(
    world: World, action: str, persona: str, program: str
) -> None:
    # Before: 403 "Only coordinators of Program B can manage …" for a real id and 404 for a made-up one, so any
    # signed-in person could list every program's name by trying ids.
    api = world.client(persona)
    before = row_counts()

    theirs = api.post(f"/api/v1/programs/{world.objects[program].pk}/{action}/", {}, format="json")
    made_up = api.post(f"/api/v1/programs/{NO_SUCH_ID}/{action}/", {}, format="json")

    assert theirs.status_code == made_up.status_code == 404
    assert theirs.json() == made_up.json()
    assert row_counts() == before


def test_requesting_a_mentor_in_a_program_one_cannot_use_is_answered_like_no_such_program(world: World) -> None:
    # Before: 409 "Program B is not open to both you and this mentor." for a real closed program and 400 "does
    # not exist" for a made-up id: trying ids listed the names of programs the trainee is not in.
    api = world.client("trainee")
    body = {"mentor": world.objects["victim_mentor_profile"].pk}
    before = row_counts()

    theirs = api.post("/api/v1/requests/", {**body, "program": world.objects["other_program"].pk}, format="json")
    made_up = api.post("/api/v1/requests/", {**body, "program": NO_SUCH_ID}, format="json")

    assert theirs.status_code == made_up.status_code == 400
    assert str(theirs.json()).replace(str(world.objects["other_program"].pk), "ID") == str(made_up.json()).replace(
        str(NO_SUCH_ID), "ID"
    )
    assert row_counts() == before


def test_the_goal_of_a_trainee_who_only_asked_the_mentor_is_answered_like_a_goal_that_does_not_exist(
    world: World,
) -> None:
    # Tried: Rita's request to Dr Patel still waits; naming her goal in Dr Patel's session log was a different
    # answer from a made-up id, so a mentor who was only asked (or turned down) learnt which goal ids were hers.
    # The session-log page already refuses to list her goals; the API now agrees.
    from tests.factories import GoalFactory

    api = world.client("mentor")
    make = _log_with_goal(world)
    ritas = GoalFactory(trainee=world.objects["pending_match"].trainee, title="Rita's private goal")  # type: ignore[attr-defined]
    before = row_counts()

    theirs = api.post("/api/v1/session-logs/", make(ritas.pk), format="json")
    made_up = api.post("/api/v1/session-logs/", make(NO_SUCH_ID), format="json")

    assert theirs.status_code == made_up.status_code == 400, (theirs.content, made_up.content)
    assert str(theirs.json()).replace(str(ritas.pk), "ID") == str(made_up.json()).replace(str(NO_SUCH_ID), "ID")
    assert row_counts() == before
