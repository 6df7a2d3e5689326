"""PATCH /api/v1/me/ is documented as the server takes it: a profile section sends only what changes.

Tried: `{"mentor_profile": {"accepting_mentees": false}}`, which the server accepts and the operation's own
description invites ("Send only what changes"), failed validation against the schema: `PatchedMeRequest` pointed
its sections at `MentorProfileRequest` and `TraineeProfileRequest`, which require career_stage, time_zone,
meeting_formats, languages, focus_areas and the rest, so a generated client could not send it.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from tests.api.schema_walk import json_schema, operations, resolve, schema
from tests.factories import MentorProfileFactory, TraineeProfileFactory

PATCH_ME = next(op for op in operations() if (op.method, op.path) == ("PATCH", "/api/v1/me/"))
BODY = PATCH_ME.spec["requestBody"]["content"]["application/json"]["schema"]

PARTIAL_BODIES = [
    {"mentor_profile": {"accepting_mentees": False}},
    {"trainee_profile": {"statement": "Now looking for help with a research year."}},
]


def _errors(body: Any) -> list[str]:
    return [error.message for error in Draft202012Validator(json_schema(BODY)).iter_errors(body)]


@pytest.mark.parametrize("body", PARTIAL_BODIES, ids=["mentor_profile", "trainee_profile"])
def test_a_profile_section_with_only_what_changes_satisfies_the_schema(body: dict[str, Any]) -> None:
    assert _errors(body) == []


@pytest.mark.parametrize(
    "body",
    [
        {"mentor_profile": {"accepting_mentees": "no"}},
        {"trainee_profile": {"languages": "English"}},
        {"mentor_profile": {"accepting": False}},
    ],
    ids=["a word for a yes/no", "a name for a list of ids", "a field the section does not have"],
)
def test_a_wrong_value_in_a_profile_section_still_fails_the_schema(body: dict[str, Any]) -> None:
    assert _errors(body) != []


def test_the_sections_of_the_patch_body_require_nothing() -> None:
    sections = resolve(BODY)["properties"]

    for name in ("trainee_profile", "mentor_profile"):
        section = resolve(sections[name]["allOf"][0])
        assert section.get("required", []) == [], name
        assert section["additionalProperties"] is False, name


def test_the_patch_operation_still_says_what_creating_a_profile_needs() -> None:
    description = PATCH_ME.spec["description"]

    assert "Send only what changes" in description
    assert "`specialty_interests`" in description  # the trainee profile's
    assert "`capacity`" in description  # the mentor profile's


def test_every_example_of_the_patch_satisfies_its_schema() -> None:
    examples = PATCH_ME.spec["requestBody"]["content"]["application/json"]["examples"]

    assert {"mentor_profile": {"accepting_mentees": False}} in [example["value"] for example in examples.values()]
    for name, example in examples.items():
        assert _errors(example["value"]) == [], name


def test_the_response_still_documents_whole_profiles() -> None:
    # Only the PATCH body is partial: what the server answers holds every field.
    mentor_profile = schema()["components"]["schemas"]["MentorProfile"]

    assert {"career_stage", "capacity", "accepting_mentees"} <= set(mentor_profile["required"])


@pytest.mark.django_db
@pytest.mark.parametrize("body", PARTIAL_BODIES, ids=["mentor_profile", "trainee_profile"])
def test_the_server_takes_the_partial_sections_the_schema_allows(body: dict[str, Any]) -> None:
    person = MentorProfileFactory(accepting_mentees=True).user
    TraineeProfileFactory(user=person)
    api = APIClient()
    api.force_authenticate(person)

    response = api.patch("/api/v1/me/", body, format="json")

    assert response.status_code == 200, response.json()
    section, change = next(iter(body.items()))
    assert response.json()[section].items() >= change.items()
