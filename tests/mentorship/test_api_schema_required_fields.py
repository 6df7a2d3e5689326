"""A response component requires every field its serializer always writes, so a generated client need not treat
a goal's `status` or a profile's `institution` as maybe-missing; a field left out for some callers stays optional.

Tried: the `Goal` component listed `status`, `progress`, `description`, `focus_area` and `target_date` as optional
(they have defaults in the request), as `Me` did its `full_name` and both profiles, although every response holds
them; a client generated from the schema made them all `Optional`.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from tests.api.schema_walk import json_schema, operations, schema
from tests.factories import CoordinatorFactory, GoalFactory, MentorProfileFactory, TraineeProfileFactory
from tests.factories.meetings import SessionLogFactory, approved_match

ALWAYS_THERE = {
    "Goal": {"status", "progress", "description", "focus_area", "target_date"},
    "Me": {"full_name", "trainee_profile", "mentor_profile"},
    "TraineeProfile": {"institution", "statement"},
    "MentorProfile": {"institution", "bio", "accepting_mentees", "subspecialties"},
    "Specialty": {"is_acgme_core"},
    "FocusArea": {"description"},
}


def _component(name: str) -> dict[str, Any]:
    return schema()["components"]["schemas"][name]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(ALWAYS_THERE))
def test_a_field_every_response_holds_is_required(name: str) -> None:
    assert ALWAYS_THERE[name] <= set(_component(name)["required"])


def test_a_profile_the_person_does_not_hold_is_required_and_null() -> None:
    me = _component("Me")

    for section in ("trainee_profile", "mentor_profile"):
        assert section in me["required"]
        assert me["properties"][section]["nullable"] is True


def test_the_private_notes_of_a_session_log_stay_optional() -> None:
    # Only the mentor who wrote the log reads them; the trainee's response has no such field.
    assert "notes_private" not in _component("SessionLog")["required"]
    assert {"notes_shared", "next_steps", "goals"} <= set(_component("SessionLog")["required"])


# --- against real responses -----------------------------------------------------------------------------------


def _documented(method: str, path: str, status: str = "200") -> dict[str, Any]:
    operation = next(op for op in operations() if (op.method, op.path) == (method, path))
    return operation.spec["responses"][status]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def _problems(method: str, path: str, response: Any, status: str = "200") -> list[str]:
    assert str(response.status_code) == status, response.content
    validator = Draft202012Validator(json_schema(_documented(method, path, status)))
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(response.json())]


def _as(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
def test_my_account_with_both_profiles_holds_every_required_field() -> None:
    person = MentorProfileFactory(institution="", bio="", accepting_mentees=False).user
    TraineeProfileFactory(user=person, institution="", statement="")

    response = _as(person).get("/api/v1/me/")

    assert _problems("GET", "/api/v1/me/", response) == []


@pytest.mark.django_db
def test_an_account_without_profiles_answers_null_for_each() -> None:
    response = _as(CoordinatorFactory()).get("/api/v1/me/")

    assert _problems("GET", "/api/v1/me/", response) == []
    assert response.json()["trainee_profile"] is None
    assert response.json()["mentor_profile"] is None


@pytest.mark.django_db
def test_a_changed_account_holds_every_required_field() -> None:
    person = TraineeProfileFactory().user

    response = _as(person).patch("/api/v1/me/", {"full_name": "Tara T. Trainee"}, format="json")

    assert _problems("PATCH", "/api/v1/me/", response) == []


@pytest.mark.django_db
def test_a_goal_with_nothing_but_a_title_holds_every_required_field() -> None:
    trainee = TraineeProfileFactory()
    GoalFactory(trainee=trainee)

    created = _as(trainee.user).post("/api/v1/goals/", {"title": "Pass step 2"}, format="json")
    listed = _as(trainee.user).get("/api/v1/goals/")

    assert _problems("POST", "/api/v1/goals/", created, "201") == []
    assert _problems("GET", "/api/v1/goals/", listed) == []
    assert created.json()["target_date"] is None
    assert created.json()["focus_area"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/specialties/", "/api/v1/focus-areas/"])
def test_reference_data_holds_every_required_field(path: str) -> None:
    response = _as(TraineeProfileFactory().user).get(path)

    assert response.json(), "no reference data to check"
    assert _problems("GET", path, response) == []


@pytest.mark.django_db
def test_a_session_log_holds_its_required_fields_for_the_mentor_and_the_trainee() -> None:
    log = SessionLogFactory(match=approved_match())
    path = "/api/v1/session-logs/{id}/"

    as_mentor = _as(log.match.mentor.user).get(f"/api/v1/session-logs/{log.pk}/")
    as_trainee = _as(log.match.trainee.user).get(f"/api/v1/session-logs/{log.pk}/")

    assert _problems("GET", path, as_mentor) == []
    assert _problems("GET", path, as_trainee) == []
    assert "notes_private" in as_mentor.json()
    assert "notes_private" not in as_trainee.json()


def test_what_each_person_reads_of_the_other_in_a_match_is_required_and_null_for_others() -> None:
    match = _component("Match")

    for summary in ("trainee_summary", "mentor_summary"):
        assert summary in match["required"]
        assert match["properties"][summary]["nullable"] is True
    assert {"career_stage", "institution", "statement", "email", "left_program"} <= set(
        _component("TraineeSummary")["required"]
    )
    assert _component("TraineeSummary")["properties"]["email"]["nullable"] is True  # null for a request
    assert {"specialty", "email", "left_program"} <= set(_component("MentorSummary")["required"])


@pytest.mark.django_db
def test_a_match_holds_every_required_field_for_its_mentor_its_trainee_and_a_coordinator() -> None:
    from tests.factories import MatchFactory, ProgramFactory

    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator])
    mentee = approved_match(program=program, trainee=TraineeProfileFactory(institution="", statement=""))
    mentor = mentee.mentor
    MatchFactory(program=program, mentor=mentor, status="requested", origin="request")
    MatchFactory(program=program, mentor=mentor, status="proposed")

    for person in (mentor.user, mentee.trainee.user, coordinator):
        response = _as(person).get("/api/v1/matches/")

        assert _problems("GET", "/api/v1/matches/", response) == []
    # Each shape was checked: a summary with an address, one with null for it, and none at all.
    rows = _as(mentor.user).get("/api/v1/matches/").json()["results"]
    read = {row["status"]: row["trainee_summary"] for row in rows}
    assert read["approved"]["email"]
    assert read["requested"]["email"] is None
    assert read["proposed"] is None
