"""A create sent again after its response was lost is a 409 that names what the first sending created.

Before: `session_already_logged` and `meeting_already_proposed` said only that the object existed, so a client
whose response was lost (a timeout, a dropped connection) could not tell which log or meeting it now had, though
the services' exceptions held it: the error body names it as `existing` ({"id", "url"}) and `Location`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meetings.models import Meeting, SessionLog
from tests.factories import MeetingFactory, mentors_today

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def program_client(user: Any) -> APIClient:
    """A program calling the API with the person's token, as a mobile app retrying on a timeout does."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_the_mentor_retrying_a_session_log_is_told_which_log_the_first_sending_wrote(
    match: Any, mentor: Any, trainee: Any
) -> None:
    api = program_client(mentor.user)
    body = {
        "match": match.pk,
        "date": str(mentors_today(match)),
        "duration_minutes": 30,
        "notes_shared": "CV review",
        "submission": str(uuid4()),
    }
    first = api.post("/api/v1/session-logs/", body, format="json")
    assert first.status_code == 201

    # Tried: the same create again, with the same `submission`, as after a response that never arrived.
    again = api.post("/api/v1/session-logs/", body, format="json")

    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "session_already_logged"
    assert error["existing"]["id"] == first.json()["id"]
    assert error["existing"]["url"].endswith(f"/api/v1/session-logs/{first.json()['id']}/")
    assert again["Location"] == error["existing"]["url"]
    assert api.get(error["existing"]["url"]).json() == first.json()
    assert SessionLog.objects.count() == 1


def test_the_mentor_retrying_a_proposal_is_told_which_meeting_stands(match: Any, mentor: Any) -> None:
    api = program_client(mentor.user)
    start = (timezone.now() + timedelta(days=4)).replace(microsecond=0).isoformat()
    body = {"match": match.pk, "start": start, "format": "video", "video_link": "https://v.example.org/1"}
    first = api.post("/api/v1/meetings/", body, format="json")
    assert first.status_code == 201

    # Tried: the same proposal sent again after a lost response.
    again = api.post("/api/v1/meetings/", body, format="json")

    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "meeting_already_proposed"
    assert error["existing"]["id"] == first.json()["id"]
    assert again["Location"] == error["existing"]["url"]
    assert api.get(again["Location"]).json()["id"] == first.json()["id"]
    assert Meeting.objects.count() == 1


def test_the_trainee_retrying_a_proposal_gets_her_own_meeting_named(match: Any, trainee: Any) -> None:
    api = program_client(trainee.user)
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0).isoformat()
    body = {"match": match.pk, "start": start, "format": "phone", "phone": "+1 312 555 0100"}
    first = api.post("/api/v1/meetings/", body, format="json").json()

    again = api.post("/api/v1/meetings/", body, format="json")

    assert again.json()["error"]["existing"]["id"] == first["id"]


def test_a_409_that_is_not_a_create_sent_again_names_nothing(match: Any, mentor: Any) -> None:
    # Tried: a meeting overlapping another one, a refusal with no earlier object of the caller's to carry on with.
    taken = MeetingFactory(match=match, start=timezone.now() + timedelta(days=3), status=Meeting.Status.ACCEPTED)
    body = {
        "match": match.pk,
        "start": taken.start.isoformat(),
        "format": "video",
        "video_link": "https://v.example.org/2",
    }

    overlap = program_client(mentor.user).post("/api/v1/meetings/", body, format="json")

    assert overlap.status_code == 409
    assert overlap.json()["error"]["code"] == "meeting_overlap"
    assert "existing" not in overlap.json()["error"]
    assert not overlap.has_header("Location")


def test_the_schema_and_the_docs_describe_existing_and_location() -> None:
    from tests.api.schema_walk import resolve, schema

    detail = resolve(schema()["components"]["schemas"]["ApiError"]["properties"]["error"])
    existing = detail["properties"]["existing"]
    assert "existing" not in detail.get("required", [])
    assert set(resolve(existing["allOf"][0] if "allOf" in existing else existing)["properties"]) == {"id", "url"}
    for path in ("/api/v1/session-logs/", "/api/v1/meetings/"):
        conflict = schema()["paths"][path]["post"]["responses"]["409"]
        assert "Location" in conflict["headers"], path
        assert "`existing`" in conflict["description"], path
    assert "`existing`" in (ROOT / "docs" / "api.md").read_text()
