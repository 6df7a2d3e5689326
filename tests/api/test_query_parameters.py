"""Every operation, not only the lists, refuses a query parameter it does not take (`?format=` is always taken)."""

from __future__ import annotations

import pytest

from tests.api.conftest import World
from tests.api.schema_walk import Operation, operations, row_counts

pytestmark = pytest.mark.django_db

SEND = {"GET": "get", "POST": "post", "PUT": "put", "PATCH": "patch", "DELETE": "delete"}


@pytest.mark.parametrize("operation", operations(), ids=str)
def test_a_query_parameter_the_operation_does_not_take_is_400_naming_it_and_nothing_changes(
    operation: Operation, world: World
) -> None:
    # Before: GET /goals/7/?fields=title or DELETE /goals/7/?dry_run=1 was answered as if the parameter were not
    # there (the goal deleted), while every list refused such a parameter with a 400 naming it.
    persona = "anonymous" if operation.is_public else "coordinator" if "round" in operation.path else "trainee"
    url = operation.url(**world.path_ids(operation.path)) + "?dry_run=1"
    before = row_counts()

    response = getattr(world.client(persona), SEND[operation.method])(url, {}, format="json")

    assert row_counts() == before
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["fields"] == {"dry_run": ["This operation takes no such query parameter."]}


def test_format_json_is_taken_by_single_reads_and_writes(world: World) -> None:
    api = world.client("trainee")
    goal = world.objects["goal"].pk

    read = api.get(f"/api/v1/goals/{goal}/?format=json")
    written = api.patch(f"/api/v1/goals/{goal}/?format=json", {"title": "Publish two case reports"}, format="json")

    assert read.status_code == 200, read.content[:300]
    assert written.status_code == 200, written.content[:300]
    assert written.json()["title"] == "Publish two case reports"


def test_a_filter_of_the_list_is_not_taken_by_a_single_read(world: World) -> None:
    # Before: the list's filters narrowed the lookup of one object, so /meetings/3/?status=cancelled was a 404 for
    # an accepted meeting: "no such meeting" for a parameter the read does not take.
    meeting = world.objects["meeting"].pk

    response = world.client("trainee").get(f"/api/v1/meetings/{meeting}/", {"status": "cancelled"})

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["error"]["fields"]) == ["status"]


@pytest.mark.parametrize("operation", operations(), ids=str)
def test_every_operation_documents_the_400_it_answers_an_unknown_query_parameter_with(operation: Operation) -> None:
    assert "400" in operation.spec["responses"], operation.spec["responses"].keys()
