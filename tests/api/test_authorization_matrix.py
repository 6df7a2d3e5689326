"""Who may do what through the API: anonymous is refused everywhere, and a table of the main resources as each
persona (the trainee, her mentor, the coordinator of her program, the coordinator of another program, anonymous,
and the people of program B). A refused call changes nothing. No response carries another person's secrets.

The world is described in tests/api/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from tests.api.conftest import World
from tests.api.schema_walk import Operation, operations, row_counts

pytestmark = pytest.mark.django_db

REFUSED = frozenset({403, 404})
# A create naming an object the caller may not use can also be refused as a bad reference (400, field named).
REFUSED_ON_CREATE = frozenset({400, 403, 404})
EVERYONE = ("trainee", "mentor", "coordinator", "other_coordinator", "victim", "victim_mentor", "requester")


@dataclass(frozen=True)
class Row:
    """One call, and what each persona gets. A persona left out is not asserted."""

    name: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, int | frozenset[int]]
    body: Callable[[World], dict[str, Any]] | None = None
    target: str | None = None  # world object that must not change when the call is refused
    also_check: Callable[[World, str, Any], None] | None = field(default=None, compare=False)


def _session_log_body(match_key: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "match": w.objects[match_key].pk,
        "date": str(date.today() - timedelta(days=1)),
        "duration_minutes": 30,
        "notes_shared": "Talked about the residency match.",
        "notes_private": "Seemed tired.",
    }


def _private_notes_only_for_their_author(world: World, persona: str, response: Any) -> None:
    if response.status_code == 200:
        notes = response.json().get("notes_private")
        assert (notes == world.secrets["notes_private"]) == (persona == "mentor"), (persona, notes)


def _url(template: str, key: str) -> Callable[[World], str]:
    return lambda w: template.format(w.objects[key].pk)


ROWS = [
    Row(
        "read her own goal",
        "GET",
        _url("/api/v1/goals/{}/", "goal"),
        {"trainee": 200, "mentor": 404, "coordinator": 404, "other_coordinator": 404, "anonymous": 401},
    ),
    Row(
        "read another trainee's goal",
        "GET",
        _url("/api/v1/goals/{}/", "victim_goal"),
        {"victim": 200, "trainee": 404, "mentor": 404, "coordinator": 404, "anonymous": 401},
    ),
    Row(
        "change another trainee's goal",
        "PATCH",
        _url("/api/v1/goals/{}/", "victim_goal"),
        {"victim": 200, "trainee": 404, "victim_mentor": 404, "coordinator": 404, "anonymous": 401},
        body=lambda w: {"title": "Changed by someone else"},
        target="victim_goal",
    ),
    Row(
        "delete another trainee's goal",
        "DELETE",
        _url("/api/v1/goals/{}/", "victim_goal"),
        {"victim": 204, "trainee": 404, "other_coordinator": 404, "anonymous": 401},
        target="victim_goal",
    ),
    Row(
        "read a meeting",
        "GET",
        _url("/api/v1/meetings/{}/", "meeting"),
        {"trainee": 200, "mentor": 200, "victim": 404, "other_coordinator": 404, "anonymous": 401},
    ),
    Row(
        "download a meeting's calendar file",
        "GET",
        _url("/api/v1/meetings/{}/ics/", "meeting"),
        {"trainee": 200, "mentor": 200, "victim": 404, "victim_mentor": 404, "anonymous": 401},
    ),
    Row(
        "cancel someone else's meeting",
        "POST",
        _url("/api/v1/meetings/{}/cancel/", "victim_meeting"),
        {"trainee": 404, "mentor": 404, "coordinator": 404, "anonymous": 401},
        body=lambda w: {"reason": "Not mine to cancel"},
        target="victim_meeting",
    ),
    Row(
        "read a session log",
        "GET",
        _url("/api/v1/session-logs/{}/", "session_log"),
        {"trainee": 200, "mentor": 200, "victim": 404, "victim_mentor": 404, "anonymous": 401},
        also_check=_private_notes_only_for_their_author,
    ),
    Row(
        "edit a session log",
        "PUT",
        _url("/api/v1/session-logs/{}/", "session_log"),
        {"mentor": 200, "trainee": REFUSED, "victim_mentor": 404, "coordinator": 404, "anonymous": 401},
        body=_session_log_body("match"),
        target="session_log",
    ),
    Row(
        "log a session for someone else's match",
        "POST",
        lambda w: "/api/v1/session-logs/",
        {
            "victim_mentor": 201,
            "mentor": REFUSED_ON_CREATE,
            "trainee": REFUSED_ON_CREATE,
            "victim": REFUSED_ON_CREATE,  # the trainee of that match: only its mentor logs sessions
            "coordinator": REFUSED_ON_CREATE,
            "other_coordinator": REFUSED_ON_CREATE,
            "anonymous": 401,
        },
        body=_session_log_body("victim_match"),
    ),
    Row(
        "give feedback on someone else's meeting",
        "POST",
        lambda w: "/api/v1/feedback/",
        {"trainee": REFUSED_ON_CREATE, "mentor": REFUSED_ON_CREATE, "anonymous": 401},
        body=lambda w: {"meeting": w.objects["victim_meeting"].pk, "rating": 5, "useful": True},
    ),
    Row(
        "approve a requested match",
        "POST",
        _url("/api/v1/matches/{}/approve/", "pending_match"),
        {
            "coordinator": 200,
            "other_coordinator": REFUSED,
            "trainee": REFUSED,
            "mentor": REFUSED,
            "requester": REFUSED,
            "anonymous": 401,
        },
        target="pending_match",
    ),
    Row(
        "end a match of program B",
        "POST",
        _url("/api/v1/matches/{}/end/", "victim_match"),
        {"other_coordinator": 200, "coordinator": REFUSED, "victim": REFUSED, "trainee": REFUSED, "anonymous": 401},
        body=lambda w: {"reason": "The program ended."},
        target="victim_match",
    ),
    Row(
        "start a matching round",
        "POST",
        _url("/api/v1/programs/{}/rounds/", "program"),
        {"coordinator": 202, "other_coordinator": REFUSED, "trainee": REFUSED, "mentor": REFUSED, "anonymous": 401},
        body=lambda w: {},
    ),
    Row(
        "enrol a trainee in program B",
        "POST",
        _url("/api/v1/programs/{}/enrolments/", "other_program"),
        {"other_coordinator": 200, "coordinator": REFUSED, "victim": REFUSED, "trainee": REFUSED, "anonymous": 401},
        body=lambda w: {"trainees": [w.users["trainee"].email]},
        target="other_program",
    ),
    Row(
        "watch a round's progress",
        "GET",
        _url("/api/v1/rounds/{}/", "round"),
        {"coordinator": 200, "other_coordinator": REFUSED, "trainee": REFUSED, "anonymous": 401},
    ),
    Row(
        "cancel someone else's request",
        "POST",
        _url("/api/v1/requests/{}/cancel/", "pending_match"),
        {"requester": 200, "trainee": REFUSED, "mentor": REFUSED, "other_coordinator": REFUSED, "anonymous": 401},
        target="pending_match",
    ),
    Row(
        "read someone else's message",
        "GET",
        _url("/api/v1/notifications/{}/", "victim_notification"),
        {"victim": 200, "trainee": 404, "other_coordinator": 404, "anonymous": 401},
    ),
    Row(
        "mark someone else's message read",
        "POST",
        _url("/api/v1/notifications/{}/read/", "victim_notification"),
        {"victim": 200, "trainee": 404, "victim_mentor": 404, "anonymous": 401},
        target="victim_notification",
    ),
    Row(
        "see a mentor's page and score",
        "GET",
        _url("/api/v1/mentors/{}/", "mentor_profile"),
        {"trainee": 200, "anonymous": 401},
    ),
]


def _in_a_week(w: World) -> str:
    return (timezone.now() + timedelta(days=7)).replace(microsecond=0).isoformat()


ROWS += [
    Row(
        "read my account",
        "GET",
        lambda w: "/api/v1/me/",
        {**dict.fromkeys(EVERYONE, 200), "anonymous": 401},
    ),
    Row(
        "propose a meeting for someone else's match",
        "POST",
        lambda w: "/api/v1/meetings/",
        {
            "victim": 201,
            "trainee": REFUSED_ON_CREATE,
            "mentor": REFUSED_ON_CREATE,
            "other_coordinator": REFUSED_ON_CREATE,
            "anonymous": 401,
        },
        body=lambda w: {
            "match": w.objects["victim_match"].pk,
            "start": _in_a_week(w),
            "format": "phone",
            "phone": "+1 555 0100",
        },
    ),
    Row(
        "request a mentor of a program she is not in",
        "POST",
        lambda w: "/api/v1/requests/",
        {"trainee": frozenset({400, 403, 404, 409}), "coordinator": frozenset({400, 403, 409}), "anonymous": 401},
        body=lambda w: {"mentor": w.objects["victim_mentor_profile"].pk, "program": w.objects["other_program"].pk},
    ),
    Row(
        "star a mentor",
        "POST",
        lambda w: "/api/v1/shortlist/",
        {"trainee": 201, "coordinator": frozenset({403, 409}), "anonymous": 401},
        body=lambda w: {"mentor": w.objects["mentor_profile"].pk},
    ),
]

CASES = [(row, persona) for row in ROWS for persona in row.expect]


def _state(world: World, row: Row) -> Any:
    counts = row_counts()
    if row.target is None:
        return counts
    obj = world.objects[row.target]
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    return counts, fresh and model_to_dict(fresh)


@pytest.mark.parametrize(("row", "persona"), CASES, ids=[f"{r.name} as {p}" for r, p in CASES])
def test_the_matrix(row: Row, persona: str, world: World) -> None:
    # A row whose object or endpoint is missing is a failure, never a skip: a renamed route or an object the world
    # stopped planting would otherwise turn its whole row green without a single request being made.
    assert not row.target or row.target in world.objects, f"{row.name}: the world has no {row.target!r}"
    assert _has_objects(row, world), f"{row.name}: the world lacks an object its URL or body names"
    assert _route_exists(row, world), f"{row.method} {row.url(world)}: no such route"
    before = _state(world, row)
    body = row.body(world) if row.body else None

    response = world.client(persona).generic(row.method, row.url(world), _json(body), content_type="application/json")

    expected = row.expect[persona]
    allowed = expected if isinstance(expected, frozenset) else {expected}
    assert response.status_code in allowed, (persona, response.status_code, response.content[:400])
    if response.status_code >= 400:
        assert _state(world, row) == before, f"{row.name} as {persona} was refused but changed something"
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not world.leaks(persona, response.content.decode(errors="replace"))
    if row.also_check:
        row.also_check(world, persona, response)


def _json(body: dict[str, Any] | None) -> str:
    import json

    return json.dumps(body) if body is not None else ""


def _has_objects(row: Row, world: World) -> bool:
    try:
        row.url(world)
        if row.body:
            row.body(world)
    except KeyError:
        return False
    return True


def _route_exists(row: Row, world: World) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(row.url(world))
    except Resolver404:
        return False
    return True


# --- Every operation: anonymous is refused with a challenge, and nothing changes ---------------------------------


@pytest.mark.parametrize("operation", [op for op in operations() if not op.is_public], ids=str)
def test_anonymous_is_refused_with_401_and_a_token_challenge(operation: Operation, world: World) -> None:
    before = row_counts()
    url = operation.url(**world.path_ids(operation.path))

    response = world.client("anonymous").generic(operation.method, url, "{}", content_type="application/json")

    assert response.status_code == 401, (url, response.status_code)
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert row_counts() == before


# --- Lists and details never carry another person's private data ---------------------------------------------


@pytest.mark.parametrize("operation", [op for op in operations() if op.method == "GET"], ids=str)
def test_no_read_shows_anyone_another_persons_secrets(operation: Operation, world: World) -> None:
    url = operation.url(**world.path_ids(operation.path))
    for persona in EVERYONE:
        response = world.client(persona).get(url)

        assert response.status_code < 500
        assert not world.leaks(persona, response.content.decode(errors="replace")), (persona, url)


def _ids_in(response: Any) -> set[int]:
    body = response.json()
    items = body["results"] if isinstance(body, dict) and "results" in body else body
    return {item["id"] for item in items}


@pytest.mark.parametrize(
    ("persona", "sees", "never"),
    [
        ("trainee", {"match"}, {"victim_match", "pending_match"}),
        ("mentor", {"match", "pending_match"}, {"victim_match"}),
        ("coordinator", {"match", "pending_match"}, {"victim_match"}),
        ("other_coordinator", {"victim_match"}, {"match", "pending_match"}),
    ],
)
def test_the_match_list_holds_my_matches_and_my_programs_only(
    persona: str, sees: set[str], never: set[str], world: World
) -> None:
    ids = _ids_in(world.client(persona).get("/api/v1/matches/"))

    assert {world.objects[k].pk for k in sees} <= ids
    assert not {world.objects[k].pk for k in never} & ids


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("coordinator", True), ("other_coordinator", False), ("trainee", False), ("mentor", False)],
)
def test_the_round_list_holds_the_rounds_of_the_programs_i_coordinate_only(
    persona: str, sees: bool, world: World
) -> None:
    program_a_round = world.objects["round"].pk

    ids = _ids_in(world.client(persona).get("/api/v1/rounds/"))
    asked_by_program = _ids_in(world.client(persona).get("/api/v1/rounds/", {"program": world.objects["program"].pk}))

    assert ids == asked_by_program == ({program_a_round} if sees else set())


@pytest.mark.parametrize("persona", ["trainee", "victim"])
def test_the_goal_list_holds_my_goals_only(persona: str, world: World) -> None:
    mine, theirs = ("goal", "victim_goal") if persona == "trainee" else ("victim_goal", "goal")

    ids = _ids_in(world.client(persona).get("/api/v1/goals/"))

    assert ids == {world.objects[mine].pk}
    assert world.objects[theirs].pk not in ids


def test_the_trainee_reads_her_session_logs_without_the_mentors_private_notes(world: World) -> None:
    assert "session_log" in world.objects, "the world planted no session log"
    body = world.client("trainee").get("/api/v1/session-logs/").json()
    logs = body["results"] if isinstance(body, dict) else body

    assert [log["id"] for log in logs] == [world.objects["session_log"].pk]
    assert all(not log.get("notes_private") for log in logs)


@pytest.mark.parametrize(
    ("persona", "url", "secret"),
    [
        ("victim", "/api/v1/goals/", "victim_goal_description"),
        ("victim", "/api/v1/me/", "victim_statement"),
        ("victim", "/api/v1/feedback/", "victim_feedback"),
        ("victim_mentor", "/api/v1/session-logs/", "victim_notes_private"),
        ("mentor", "/api/v1/session-logs/", "notes_private"),
    ],
)
def test_a_planted_secret_is_visible_to_its_owner_so_the_leak_checks_can_see_a_leak(
    persona: str, url: str, secret: str, world: World
) -> None:
    assert secret in world.secrets, f"the world planted no {secret}"

    response = world.client(persona).get(url)

    assert world.secrets[secret] in response.content.decode()
