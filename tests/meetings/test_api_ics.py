"""GET /api/v1/meetings/{id}/ics/ answers a calendar client that asks for `text/calendar`, as the schema says.

Before: the action had only the API's JSON renderers, so `Accept: text/calendar` (the type the schema documents,
and what calendar clients and generated API clients send) was 406; only a request without `Accept`, or one
accepting JSON, got the file.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meetings.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(match: Any) -> Meeting:
    return MeetingFactory(match=match, start=timezone.now() + timedelta(days=3), status=Meeting.Status.ACCEPTED)


def calendar_client(user: Any) -> APIClient:
    """A program fetching the invitation with the person's API token."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_the_mentor_and_the_trainee_asking_for_text_calendar_get_the_invitation(
    meeting: Meeting, mentor: Any, trainee: Any
) -> None:
    for person in (mentor.user, trainee.user):
        # Tried: the documented type in Accept, as a calendar client sends it.
        response = calendar_client(person).get(f"/api/v1/meetings/{meeting.pk}/ics/", HTTP_ACCEPT="text/calendar")

        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
        assert response.content.startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    "accept",
    ["text/calendar, application/json", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8", None],
    ids=["a generated client", "curl", "a browser", "no Accept"],
)
def test_any_accept_that_allows_a_calendar_gets_the_invitation(meeting: Meeting, trainee: Any, accept: Any) -> None:
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    response = calendar_client(trainee.user).get(f"/api/v1/meetings/{meeting.pk}/ics/", **headers)

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/calendar")


def test_format_ics_in_the_query_names_the_calendar_too(meeting: Meeting, trainee: Any) -> None:
    response = calendar_client(trainee.user).get(f"/api/v1/meetings/{meeting.pk}/ics/", {"format": "ics"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


@pytest.mark.parametrize(
    "asked", [{"HTTP_ACCEPT": "application/json"}, {"data": {"format": "json"}}], ids=["Accept JSON", "?format=json"]
)
def test_a_request_that_cannot_take_a_calendar_is_the_documented_json_406(
    meeting: Meeting, trainee: Any, asked: dict[str, Any]
) -> None:
    # Tried: a client that takes JSON only (in Accept, or as ?format=json) asks for the calendar file.
    response = calendar_client(trainee.user).get(f"/api/v1/meetings/{meeting.pk}/ics/", **asked)

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_acceptable"


def test_an_outsider_and_an_anonymous_caller_asking_for_a_calendar_get_json_errors(
    meeting: Meeting, outsider: Any, coordinator: Any
) -> None:
    # Tried: someone else's meeting, and no credentials, with the calendar's type in Accept: the refusal is the
    # API's error body, not a calendar file.
    url = f"/api/v1/meetings/{meeting.pk}/ics/"
    for person in (outsider.user, coordinator):
        refused = calendar_client(person).get(url, HTTP_ACCEPT="text/calendar")
        assert refused.status_code == 404
        assert refused["Content-Type"] == "application/json"
        assert refused.json()["error"]["code"] == "not_found"
    anonymous = APIClient().get(url, HTTP_ACCEPT="text/calendar")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"


def test_the_schema_gives_the_calendar_as_text_calendar_and_every_error_as_json_with_the_406() -> None:
    from tests.api.schema_walk import schema

    responses = schema()["paths"]["/api/v1/meetings/{id}/ics/"]["get"]["responses"]

    assert list(responses["200"]["content"]) == ["text/calendar"]
    assert "406" in responses
    for code, response in responses.items():
        if code != "200":
            assert list(response["content"]) == ["application/json"], code
