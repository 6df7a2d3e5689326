"""A meeting says whether the caller proposed its current time (`proposed_by_me`), the thing a client needs to
know whether it may accept.

Before: only `proposed_by`, a user id, while every other person in the API (`other_person.id`, a match's
`trainee` and `mentor`) is a profile id: a client comparing `proposed_by` with `other_person.id` to decide whether
to show "Accept" was always wrong.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def app_client(user: Any) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def later(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def test_the_proposer_is_told_it_was_them_and_the_other_person_that_they_may_accept(
    match: Any, mentor: Any, trainee: Any
) -> None:
    as_mentor, as_trainee = app_client(mentor.user), app_client(trainee.user)
    body = {"match": match.pk, "start": later(4), "format": "video", "video_link": "https://v.example.org/1"}
    meeting = as_mentor.post("/api/v1/meetings/", body, format="json").json()

    # Tried: each side reading the proposal, in the list, one by one and in its to-do list.
    mentors_view = as_mentor.get(f"/api/v1/meetings/{meeting['id']}/").json()
    trainees_view = as_trainee.get("/api/v1/meetings/").json()["results"][0]
    to_answer = as_trainee.get("/api/v1/meetings/to-do/").json()["to_answer"]

    assert meeting["proposed_by_me"] is True
    assert mentors_view["proposed_by_me"] is True
    assert trainees_view["proposed_by_me"] is False
    assert [m["proposed_by_me"] for m in to_answer] == [False]
    # `proposed_by` stays, and is the proposer's user id (GET /me/'s `id`), not a profile id.
    assert trainees_view["proposed_by"] == as_mentor.get("/api/v1/me/").json()["id"] == mentor.user.pk


def test_a_counter_proposal_turns_it_around(match: Any, mentor: Any, trainee: Any) -> None:
    as_mentor, as_trainee = app_client(mentor.user), app_client(trainee.user)
    body = {"match": match.pk, "start": later(4), "format": "video", "video_link": "https://v.example.org/1"}
    meeting_id = as_mentor.post("/api/v1/meetings/", body, format="json").json()["id"]

    suggested = as_trainee.post(f"/api/v1/meetings/{meeting_id}/suggest/", {"start": later(6)}, format="json").json()

    assert suggested["proposed_by_me"] is True
    assert as_mentor.get(f"/api/v1/meetings/{meeting_id}/").json()["proposed_by_me"] is False
    assert as_mentor.post(f"/api/v1/meetings/{meeting_id}/accept/", format="json").status_code == 200


def test_the_schema_says_which_id_proposed_by_is_and_documents_proposed_by_me() -> None:
    from tests.api.schema_walk import schema

    properties = schema()["components"]["schemas"]["Meeting"]["properties"]

    assert properties["proposed_by_me"]["type"] == "boolean"
    assert "user id" in properties["proposed_by"]["description"]
    assert "not a profile id" in properties["proposed_by"]["description"]
