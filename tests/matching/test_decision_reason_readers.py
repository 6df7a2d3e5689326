"""Each decision's reason form says who reads the reason, in the admin and in the API's schema.

Tried (a reviewer's probe): ending a match asked for its reason with the decline's help text, "the trainee sees it in
the e-mail and under My requests", but `match_end` e-mails the mentor too (notifications/match_ended.txt prints the
reason) and the mentor's *My mentees* page shows it. The coordinator wrote for one reader and two read it.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from rest_framework.test import APIClient

from matching.models import Match
from notifications.models import Notification
from notifications.rendering import render_email
from tests.factories import MatchFactory, ProgramFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:matching_match_changelist"
BOTH = "both the trainee and the mentor read it"
TRAINEE_ONLY = "the trainee reads it, in the e-mail and under My requests (the mentor does not)"


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator])


def _reason_page(client: Any, action: str, match: Match) -> str:
    response = client.post(reverse(CHANGELIST), {"action": action, ACTION_CHECKBOX_NAME: [match.pk], "index": 0})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_end_page_says_both_people_read_the_reason_and_the_decline_page_the_trainee_alone(
    login: Any, coordinator: Any, program: Any, mentor: Any, trainee: Any
) -> None:
    client = login(coordinator)
    approved = MatchFactory(program=program, mentor=mentor, trainee=trainee, status=Match.Status.APPROVED)
    proposal = MatchFactory(program=program)

    ending = _reason_page(client, "end_selected", approved)
    declining = _reason_page(client, "decline_selected", proposal)

    assert BOTH in ending
    assert "My mentees" in ending
    assert TRAINEE_ONLY not in ending
    assert TRAINEE_ONLY in declining
    assert BOTH not in declining


def test_what_the_end_page_promises_is_what_both_people_read(
    login: Any, coordinator: Any, program: Any, mentor: Any, trainee: Any
) -> None:
    match = MatchFactory(program=program, mentor=mentor, trainee=trainee, status=Match.Status.APPROVED)
    login(coordinator).post(
        reverse(CHANGELIST),
        {"action": "end_selected", ACTION_CHECKBOX_NAME: [match.pk], "apply": "1", "reason": "Moving to Denver"},
    )

    for person in (mentor.user, trainee.user):
        [note] = Notification.objects.filter(kind="match_ended", recipient=person)
        assert "Moving to Denver" in render_email(note).text
    assert "Moving to Denver" in login(mentor.user).get(reverse("matching-my-mentees")).content.decode()
    assert "Moving to Denver" in login(trainee.user).get(reverse("matching-my-mentorship")).content.decode()


@pytest.mark.parametrize("persona", ["trainee", "mentor", "outsider"])
def test_people_who_are_not_staff_never_reach_a_reason_page(
    persona: str, request: pytest.FixtureRequest, client: Any, program: Any
) -> None:
    match = MatchFactory(program=program, status=Match.Status.APPROVED)
    client.force_login(request.getfixturevalue(persona).user, backend="profiles.backends.EmailBackend")
    response = client.post(reverse(CHANGELIST), {"action": "end_selected", ACTION_CHECKBOX_NAME: [match.pk]})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _request_body_reason(schema: dict[str, Any], path: str) -> str:
    ref = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return f"{component.get('description', '')} {component['properties']['reason']['description']}"


def test_the_api_schema_says_who_reads_each_reason(coordinator: Any) -> None:
    client = APIClient()
    client.force_authenticate(coordinator)
    schema = client.get("/api/schema/", {"format": "json"}).json()

    ending = _request_body_reason(schema, "/api/v1/matches/{match_id}/end/")
    declining = _request_body_reason(schema, "/api/v1/matches/{match_id}/decline/")

    assert BOTH in ending
    assert TRAINEE_ONLY in declining
    assert BOTH not in declining
