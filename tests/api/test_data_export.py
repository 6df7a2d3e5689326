"""GET /api/v1/me/data/ as each persona: the same document as the profile page's download, the person's own data
section by section, never what the pages keep from them; 401 for anonymous, 429 past the hourly ration."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from profiles.data_export import DATA_EXPORTS_PER_HOUR
from tests.api.conftest import World
from tests.api.schema_walk import resolve, schema
from tests.profiles.data_export_scene import AT_RISK_REASON, MENTORS_PRIVATE_NOTE, build_scene

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/data/"


def test_anonymous_is_refused_with_401(world: World) -> None:
    response = world.client("anonymous").get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["trainee", "mentor", "coordinator"])
def test_each_persona_gets_their_own_account_and_every_documented_section(persona: str, world: World) -> None:
    response = world.client(persona).get(URL)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["account"]["email"] == world.users[persona].email
    documented = resolve(schema()["paths"][URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(data) == set(documented["properties"]) == set(documented["required"])


def test_the_trainee_reads_her_match_and_log_but_not_the_private_notes_nor_the_mentors_early_feedback(
    world: World,
) -> None:
    data = world.client("trainee").get(URL).json()

    assert [m["id"] for m in data["matches"]] == [world.objects["match"].pk]
    assert [g["id"] for g in data["goals"]] == [world.objects["goal"].pk]
    [log] = data["session_logs"]
    assert (log["id"], log["notes_private"]) == (world.objects["session_log"].pk, None)
    # The meeting was three days ago and only the mentor answered: the meeting page does not show it her yet.
    assert data["feedback"] == []
    assert world.secrets["mentor_feedback"] not in json.dumps(data)


def test_the_mentor_reads_his_own_private_notes_and_the_request_waiting_for_him(world: World) -> None:
    data = world.client("mentor").get(URL).json()

    assert [log["notes_private"] for log in data["session_logs"]] == [world.secrets["notes_private"]]
    assert {m["id"] for m in data["matches"]} == {world.objects["match"].pk, world.objects["pending_match"].pk}
    assert [f["mine"] for f in data["feedback"]] == [True]


def test_the_coordinator_reads_their_programs_and_none_of_the_matches_they_coordinate(world: World) -> None:
    data = world.client("coordinator").get(URL).json()

    assert data["programs"] == [{"id": world.objects["program"].pk, "name": "Program A", "roles": ["coordinator"]}]
    assert (data["matches"], data["session_logs"], data["meetings"]) == ([], [], [])


def test_the_api_and_the_page_give_the_same_document(
    login: Any, trainee: Any, mentor: Any, coordinator: Any, api_client: APIClient
) -> None:
    build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator)
    page: Client = login(trainee.user)
    api_client.force_authenticate(trainee.user)

    from_page = json.loads(page.get("/me/data/").content)
    from_api = api_client.get(URL).json()

    del from_page["exported_at"], from_api["exported_at"]
    assert from_api == from_page
    assert AT_RISK_REASON not in json.dumps(from_api)
    assert MENTORS_PRIVATE_NOTE not in json.dumps(from_api)


def test_the_token_key_is_never_in_the_document(world: World) -> None:
    body = world.client("trainee").get(URL).content.decode()

    assert world.tokens["trainee"] not in body
    assert world.users["trainee"].password not in body
    assert json.loads(body)["account"]["api_token_created_at"] is not None


def test_past_the_hourly_ration_the_answer_is_429(world: World) -> None:
    client = world.client("trainee")
    for _ in range(DATA_EXPORTS_PER_HOUR):
        assert client.get(URL).status_code == 200

    response = client.get(URL)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "data_export_too_often"
    assert world.client("mentor").get(URL).status_code == 200  # each person's own ration
