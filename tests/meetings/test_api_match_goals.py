"""`GET /api/v1/matches/{match_id}/goals/`: the trainee's goals a session log of the match can record progress on,
as the log form offers them. Before, `POST /api/v1/session-logs/` took goal ids that no endpoint gave a mentor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from matching.models import Match
from meetings.models import SessionLog
from profiles.models import Goal
from tests.factories import GoalFactory, MatchFactory, ProgramFactory, approved_match, mentors_today

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(match: Any) -> str:
    return f"/api/v1/matches/{match.pk}/goals/"


@pytest.fixture
def goals(trainee: Any) -> dict[str, Goal]:
    return {
        "abstract": GoalFactory(trainee=trainee, title="Submit the abstract", progress=20),
        "elective": GoalFactory(trainee=trainee, title="Plan an elective", status="not_started", progress=0),
        "dropped": GoalFactory(trainee=trainee, title="Learn Python", status="dropped", progress=10),
    }


def test_the_mentor_lists_the_goals_the_log_form_offers_and_logs_progress_with_their_ids(
    mentor: Any, trainee: Any, goals: dict[str, Goal]
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    response = api(mentor.user).get(url(match))
    assert response.status_code == 200
    assert sorted(response.json(), key=lambda row: row["id"]) == sorted(
        [
            {"id": goals["abstract"].pk, "title": "Submit the abstract", "status": "in_progress", "progress": 20},
            {"id": goals["elective"].pk, "title": "Plan an elective", "status": "not_started", "progress": 0},
        ],
        key=lambda row: row["id"],
    )  # a dropped goal is not offered, as on the form

    logged = api(mentor.user).post(
        "/api/v1/session-logs/",
        {
            "match": match.pk,
            "date": mentors_today(match).isoformat(),
            "duration_minutes": 30,
            "goals": [{"goal": response.json()[0]["id"], "progress": 50}],
        },
        format="json",
    )
    assert logged.status_code == 201, logged.content
    assert Goal.objects.get(pk=response.json()[0]["id"]).progress == 50


def test_the_trainee_reads_the_same_list_of_her_own_goals(mentor: Any, trainee: Any, goals: dict[str, Goal]) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    assert api(trainee.user).get(url(match)).json() == api(mentor.user).get(url(match)).json()


def test_anyone_else_gets_404_the_programs_coordinator_included_and_anonymous_401(
    mentor: Any, trainee: Any, outsider: Any, coordinator: Any, goals: dict[str, Goal]
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, program=ProgramFactory(coordinators=[coordinator]))
    for person in (outsider.user, coordinator):
        response = api(person).get(url(match))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert "Submit the abstract" not in response.content.decode()
    assert APIClient().get(url(match)).status_code == 401
    assert api(mentor.user).get("/api/v1/matches/999999/goals/").status_code == 404


@pytest.mark.parametrize("status", ["declined", "cancelled", "expired"])
def test_the_mentor_of_a_request_turned_down_gets_404(
    mentor: Any, trainee: Any, goals: dict[str, Goal], status: str
) -> None:
    match = MatchFactory(mentor=mentor, trainee=trainee, status=status)
    assert api(mentor.user).get(url(match)).status_code == 404


@pytest.mark.parametrize("status", ["requested", "proposed"])
def test_a_match_waiting_for_a_decision_names_no_goal_yet(
    mentor: Any, trainee: Any, goals: dict[str, Goal], status: str
) -> None:
    # The trainee who only asked keeps her goals to herself: no log can be written before the approval.
    match = MatchFactory(mentor=mentor, trainee=trainee, status=status)
    response = api(mentor.user).get(url(match))
    assert (response.status_code, response.json()) == (200, [])


def test_an_ended_match_lists_only_the_goals_she_had_by_its_end(
    mentor: Any, trainee: Any, goals: dict[str, Goal]
) -> None:
    ended_at = timezone.now() - timedelta(days=2)
    Goal.objects.filter(pk__in=[goal.pk for goal in goals.values()]).update(created_at=ended_at - timedelta(days=9))
    match = approved_match(mentor=mentor, trainee=trainee)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.ENDED, ended_at=ended_at)
    GoalFactory(trainee=trainee, title="A goal set after the end")
    titles = {row["title"] for row in api(mentor.user).get(url(match)).json()}
    assert titles == {"Submit the abstract", "Plan an elective"}


def test_the_list_takes_no_query_parameter_and_writes_nothing(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    response = api(mentor.user).get(url(match) + "?status=dropped")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    assert api(mentor.user).post(url(match), {}, format="json").status_code == 405
    assert not SessionLog.objects.exists()


def test_the_operation_is_in_the_schema_with_its_status_codes() -> None:
    from tests.api.schema_walk import schema

    operation = schema()["paths"]["/api/v1/matches/{match_id}/goals/"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
    items = operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert items == {"$ref": "#/components/schemas/MatchGoal"}
