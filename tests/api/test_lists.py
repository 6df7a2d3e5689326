"""Every list follows the DRF conventions: `?page=` pages, `?ordering=` orders, a bad filter value is a 400."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import World
from tests.api.schema_walk import Operation, operations

pytestmark = pytest.mark.django_db


def _query_params(operation: Operation) -> dict[str, dict[str, object]]:
    return {p["name"]: p.get("schema", {}) for p in operation.spec.get("parameters", []) if p["in"] == "query"}


PAGED = [op for op in operations() if op.method == "GET" and "page" in _query_params(op)]
ORDERED = [op for op in operations() if op.method == "GET" and "ordering" in _query_params(op)]
INTEGER_FILTERS = [
    (op, name)
    for op in operations()
    if op.method == "GET"
    for name, schema in _query_params(op).items()
    if schema.get("type") == "integer" and name not in {"page", "page_size"}
]


@pytest.mark.parametrize("operation", PAGED, ids=str)
def test_a_paged_list_has_count_next_previous_results_and_a_page_past_the_end_is_404(
    operation: Operation, world: World
) -> None:
    api = world.client("coordinator" if "round" in operation.path else "trainee")
    url = operation.url(**world.path_ids(operation.path))

    first = api.get(url, {"page": 1})
    past_the_end = api.get(url, {"page": 9999})

    assert first.status_code == 200, first.content[:300]
    assert {"count", "next", "previous", "results"} <= set(first.json())
    assert past_the_end.status_code == 404
    assert past_the_end.json()["error"]["code"] == "not_found"


def test_the_page_size_is_twenty(world: World) -> None:
    from tests.factories import GoalFactory

    GoalFactory.create_batch(24, trainee=world.objects["trainee_profile"])

    body = world.client("trainee").get("/api/v1/goals/").json()

    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"].endswith("/api/v1/goals/?page=2")


def test_page_last_is_the_last_page_of_the_trainees_goals(world: World) -> None:
    # Before: 404 "Invalid page." (the pagination read `last` and then never turned it into a number), while the
    # mentor directory answered the same `?page=last` with a 400.
    from tests.factories import GoalFactory

    GoalFactory.create_batch(24, trainee=world.objects["trainee_profile"])
    api = world.client("trainee")

    last = api.get("/api/v1/goals/", {"page": "last"})

    assert last.status_code == 200, last.content[:300]
    assert last.json()["results"] == api.get("/api/v1/goals/", {"page": 2}).json()["results"]
    assert len(last.json()["results"]) == 5
    assert last.json()["next"] is None


@pytest.mark.parametrize("operation", PAGED, ids=str)
def test_page_last_answers_the_last_page_of_every_paged_list(operation: Operation, world: World) -> None:
    # Tried: `?page=last` on every list the schema pages, as the trainee (rounds: the coordinator).
    api = world.client("coordinator" if "round" in operation.path else "trainee")
    url = operation.url(**world.path_ids(operation.path))

    last = api.get(url, {"page": "last"})

    assert last.status_code == 200, last.content[:300]
    assert last.json()["next"] is None


@pytest.mark.parametrize("operation", PAGED, ids=str)
def test_the_schema_says_every_paged_list_takes_last(operation: Operation) -> None:
    page = next(p for p in operation.spec["parameters"] if p["name"] == "page")

    assert "`last`" in page["description"]
    assert {"type": "string", "enum": ["last"]} in page["schema"]["oneOf"]


@pytest.mark.parametrize("operation", ORDERED, ids=str)
def test_ordering_by_an_unknown_field_is_a_400_naming_it_and_a_listed_field_orders(
    operation: Operation, world: World
) -> None:
    # Before: DRF dropped an unknown field silently, so `?ordering=-created` (for `-created_at`) or a private field
    # came back in the list's own order, which the client took for the order it asked for.
    url = operation.url(**world.path_ids(operation.path))
    api = world.client("trainee")

    response = api.get(url, {"ordering": "no_such_field,-password"})

    assert response.status_code == 400, response.content[:300]
    said = response.json()["error"]["fields"]["ordering"]
    assert any("“no_such_field”" in text for text in said)
    assert any("“-password”" in text for text in said)
    listed = re.findall(r"`-?([a-z_]+)`", _ordering_description(operation))
    assert api.get(url, {"ordering": f"-{listed[0]}"}).status_code == 200


def test_messages_can_be_ordered_both_ways(world: World) -> None:
    from notifications.models import Notification

    Notification.objects.create(
        recipient=world.users["trainee"], kind="generic", dedup_key="older", due_at=timezone.now() - timedelta(days=2)
    )
    api = world.client("trainee")

    oldest_first = [n["id"] for n in api.get("/api/v1/notifications/", {"ordering": "due_at"}).json()["results"]]
    newest_first = [n["id"] for n in api.get("/api/v1/notifications/", {"ordering": "-due_at"}).json()["results"]]

    assert len(oldest_first) == 2
    assert newest_first == list(reversed(oldest_first))


@pytest.mark.parametrize(("operation", "name"), INTEGER_FILTERS, ids=[f"{op} ?{n}=" for op, n in INTEGER_FILTERS])
def test_a_filter_value_of_the_wrong_type_is_400_naming_the_parameter(
    operation: Operation, name: str, world: World
) -> None:
    url = operation.url(**world.path_ids(operation.path))

    response = world.client("trainee").get(url, {name: "not-a-number"})

    assert response.status_code == 400, response.content[:300]
    assert name in response.json()["error"]["fields"]


def test_matches_that_tie_on_the_ordering_field_keep_the_lists_own_order_on_every_page(world: World) -> None:
    # Before: `?ordering=score` replaced the list's order entirely, so the 25 matches scoring 50 came in whatever
    # order the database chose — not the list's newest-first, and free to differ from one page to the next.
    from tests.factories import MatchFactory

    MatchFactory.create_batch(25, program=world.objects["program"], status="requested", origin="request", score=50.0)
    api = world.client("coordinator")

    def every_page(**params: str) -> list[dict[str, object]]:
        first = api.get("/api/v1/matches/", params).json()
        second = api.get("/api/v1/matches/", {**params, "page": "2"}).json()
        return [*first["results"], *second["results"]]

    default = every_page()
    assert len(default) == 27
    for ordering, direction in (("score", 1), ("-score", -1)):
        ordered = every_page(ordering=ordering)
        expected = sorted(default, key=lambda match: direction * float(match["score"]))  # type: ignore[arg-type]
        assert [m["id"] for m in ordered] == [m["id"] for m in expected], ordering


@pytest.mark.parametrize("operation", PAGED, ids=str)
@pytest.mark.parametrize("number", ["abc", "0", "-1", "1.5", "LAST", "first"])
def test_a_page_number_that_is_not_a_whole_number_from_one_is_400_naming_page(
    operation: Operation, number: str, world: World
) -> None:
    # Before: 404 "Invalid page.", which reads as "this list does not exist" and differs from every other query
    # parameter of the wrong type (400 naming it).
    api = world.client("coordinator" if "round" in operation.path else "trainee")
    url = operation.url(**world.path_ids(operation.path))

    response = api.get(url, {"page": number})

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["error"]["fields"]) == ["page"]


NUMBER_FILTERS = [
    (op, name)
    for op in operations()
    if op.method == "GET"
    for name, schema in _query_params(op).items()
    if schema.get("type") == "number"
]


@pytest.mark.parametrize(("operation", "name"), NUMBER_FILTERS, ids=[f"{op} ?{n}=" for op, n in NUMBER_FILTERS])
def test_a_filter_documented_as_a_number_takes_a_fraction(operation: Operation, name: str, world: World) -> None:
    # Before: `?program=` on matches was documented as `number` but is an id: 1.5 is a 400, and a client generated
    # from the schema (and test_a_filter_value_of_the_wrong_type_…, which takes integers) was misled.
    url = operation.url(**world.path_ids(operation.path))

    response = world.client("trainee").get(url, {name: "1.5"})

    assert response.status_code == 200, response.content[:300]


def _ordering_description(operation: Operation) -> str:
    return next(p for p in operation.spec["parameters"] if p["name"] == "ordering").get("description", "")


@pytest.mark.parametrize("operation", ORDERED, ids=str)
def test_the_schema_lists_the_fields_a_list_can_be_ordered_by(operation: Operation) -> None:
    # docs/api.md says the fields are "listed in the schema"; before, the parameter said only "Which field to use
    # when ordering the results.", and feedback and session logs took any field of their body.
    from django.urls import resolve

    listed = re.findall(r"`-?([a-z_]+)`", _ordering_description(operation))
    view = resolve(operation.url()).func.cls  # type: ignore[attr-defined]

    assert listed, _ordering_description(operation)
    assert set(listed) == set(view.ordering_fields)


@pytest.mark.parametrize("operation", PAGED, ids=str)
def test_a_query_parameter_the_list_does_not_take_is_400_naming_it(operation: Operation, world: World) -> None:
    # Before: /meetings/?program=3 or /goals/?status=done answered every row, as if the filter had matched them
    # all: a client's wrong name (or a filter another list has) looked like a filter that worked.
    url = operation.url(**world.path_ids(operation.path))

    response = world.client("trainee").get(url, {"no_such_filter": "1"})

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["error"]["fields"]) == ["no_such_filter"]


@pytest.mark.parametrize("operation", PAGED, ids=str)
def test_every_query_parameter_the_schema_documents_is_taken(operation: Operation, world: World) -> None:
    url = operation.url(**world.path_ids(operation.path))

    response = world.client("trainee").get(url, {**dict.fromkeys(_query_params(operation), ""), "format": "json"})

    assert response.status_code == 200, response.content[:300]


WHOLE = [
    op
    for op in operations()
    if op.method == "GET"
    and "{" not in op.path
    and op.spec["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {}).get("type")
    == "array"
]


@pytest.mark.parametrize("operation", WHOLE, ids=str)
def test_a_short_list_that_comes_whole_takes_no_query_parameter(operation: Operation, world: World) -> None:
    # Before: /requests/?status=requested answered every request, as if the filter had worked.
    response = world.client("trainee").get(operation.url(), {"status": "requested"})

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_an_unknown_kind_of_message_is_400_naming_kind_and_listing_the_kinds(world: World) -> None:
    # Before: /notifications/?kind=nonsense answered an empty list, which reads as "you have no such messages":
    # a client with a misspelt kind (`meeting_reminders`) could not tell it from an empty inbox.
    api = world.client("trainee")

    response = api.get("/api/v1/notifications/", {"kind": "meeting_reminders"})

    assert response.status_code == 400, response.content[:300]
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["kind"]
    assert "meeting_reminders" in fields["kind"][0]
    assert "meeting_reminder," in fields["kind"][0]
    assert "match_approved" in fields["kind"][0]


def test_every_kind_the_code_writes_is_a_kind_the_list_takes(world: World) -> None:
    from notifications.kinds import Kind
    from tests.factories import NotificationFactory

    NotificationFactory(recipient=world.users["trainee"], kind=Kind.MEETING_REMINDER)
    api = world.client("trainee")

    counts = {kind: api.get("/api/v1/notifications/", {"kind": kind}).json()["count"] for kind in Kind.values}

    planted = world.objects["notification"].kind  # the world's own message to the trainee (tests/api/conftest.py)
    assert counts == {kind: int(kind == "meeting_reminder") + int(kind == planted) for kind in Kind.values}


def test_the_schema_lists_the_kinds_of_message_the_list_takes() -> None:
    from notifications.kinds import Kind

    operation = next(op for op in operations() if op.method == "GET" and op.path == "/api/v1/notifications/")

    assert _query_params(operation)["kind"].get("enum") == sorted(Kind.values)


ENUM_FILTERS = [
    (op, name, schema["enum"])
    for op in operations()
    if op.method == "GET"
    for name, schema in _query_params(op).items()
    if "enum" in schema
]


@pytest.mark.parametrize(
    ("operation", "name", "values"), ENUM_FILTERS, ids=[f"{op} ?{n}=" for op, n, _ in ENUM_FILTERS]
)
def test_a_filter_value_outside_its_set_is_400_naming_the_parameter_and_listing_the_values(
    operation: Operation, name: str, values: list[object], world: World
) -> None:
    # Before: ?status=aproved said "Select a valid choice. aproved is not one of the available choices." and left
    # the client to find the set in the schema; ?kind= took anything and answered an empty list.
    url = operation.url(**world.path_ids(operation.path))

    response = world.client("trainee").get(url, {name: "nonsense"})

    assert response.status_code == 400, response.content[:300]
    fields = response.json()["error"]["fields"]
    assert list(fields) == [name]
    assert all(str(value) in fields[name][0] for value in values), fields


def test_messages_can_be_filtered_to_the_unread_or_the_read_ones(world: World) -> None:
    # Before: a client showing an unread badge had to page through every message and count; ?unread=true was a
    # 400 (no such parameter).
    from notifications.models import Notification

    unread = world.objects["notification"].pk
    read = Notification.objects.create(
        recipient=world.users["trainee"], kind="generic", dedup_key="read", email=False, read_at=timezone.now()
    ).pk
    api = world.client("trainee")

    def ids(value: str) -> list[int]:
        response = api.get("/api/v1/notifications/", {"unread": value})
        assert response.status_code == 200, response.content[:300]
        return sorted(n["id"] for n in response.json()["results"])

    assert ids("true") == ids("1") == [unread]
    assert ids("false") == ids("0") == [read]
    assert ids("") == sorted([unread, read])
    refused = api.get("/api/v1/notifications/", {"unread": "yes please"})
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["unread"]


def test_goals_filter_by_status_and_order_by_target_date_like_the_other_lists(world: World) -> None:
    # Before: the goal list took no filter and no ordering at all (`?status=` was a 400), unlike every other list.
    from datetime import date

    from tests.factories import GoalFactory

    trainee = world.objects["trainee_profile"]
    first = world.objects["goal"]
    achieved = GoalFactory(trainee=trainee, status="achieved", progress=100, target_date=date(2027, 1, 1))
    later = GoalFactory(trainee=trainee, status="in_progress", progress=10, target_date=date(2028, 1, 1))
    api = world.client("trainee")

    done = api.get("/api/v1/goals/", {"status": "achieved"}).json()["results"]
    by_date = api.get("/api/v1/goals/", {"ordering": "-target_date"}).json()["results"]
    wrong = api.get("/api/v1/goals/", {"status": "finished"})

    assert [g["id"] for g in done] == [achieved.pk]
    ids = [g["id"] for g in by_date]
    assert ids.index(later.pk) < ids.index(achieved.pk)  # a goal without a date sorts first or last by database
    assert first.pk in ids
    assert wrong.status_code == 400
    assert "achieved" in wrong.json()["error"]["fields"]["status"][0]
