"""Bad input gets one error format with the field named, and nothing is saved.

The token endpoint (always reachable, always parses its body) pins the exact codes; then every operation in the
schema with a JSON body gets malformed JSON, a wrong content type, wrong types and a 1 MB string as each persona.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import World
from tests.api.schema_walk import TOKEN_PATH, Operation, body_properties, operations, row_counts

pytestmark = pytest.mark.django_db

BODY_OPERATIONS = [op for op in operations() if op.has_json_body and op.path != TOKEN_PATH]
ID_OPERATIONS = [op for op in operations() if op.path_params]
PERSONAS = ("trainee", "mentor", "coordinator")
MEGABYTE = "x" * (1024 * 1024)


def _is_error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]  # type: ignore[no-any-return]


def _wrong_type(prop: dict[str, Any]) -> Any:
    kind = prop.get("type")
    if kind in {"integer", "number", "boolean", "array"}:
        return {"not": "this"}
    if kind == "object":
        return [1, 2]
    return {"a": ["nested"]}  # for strings, enums and anything else


# --- The exact codes, on the sign-in endpoint -----------------------------------------------------------------


def test_malformed_json_is_400_malformed_json(api_client: APIClient) -> None:
    response = api_client.post(TOKEN_PATH, '{"email": "tara@example.org", ', content_type="application/json")

    assert response.status_code == 400
    assert _is_error(response)["code"] == "malformed_json"


@pytest.mark.parametrize("body", ["NaN", '{"email": Infinity}', "[" * 100_000 + "]" * 100_000])
def test_json_that_python_would_accept_but_json_does_not_is_refused(api_client: APIClient, body: str) -> None:
    """NaN/Infinity are not JSON; 100,000 nested brackets would exhaust the parser's recursion (a 500)."""
    response = api_client.post(TOKEN_PATH, body, content_type="application/json")

    assert response.status_code == 400
    assert _is_error(response)["code"] == "malformed_json"


def test_a_form_body_is_415_unsupported_media_type(api_client: APIClient) -> None:
    response = api_client.post(TOKEN_PATH, {"email": "tara@example.org", "password": "x"})  # multipart

    assert response.status_code == 415
    assert _is_error(response)["code"] == "unsupported_media_type"


def test_a_megabyte_string_is_400_with_the_field_named(api_client: APIClient) -> None:
    response = api_client.post(TOKEN_PATH, {"email": "tara@example.org", "password": MEGABYTE}, format="json")

    assert response.status_code == 400
    assert list(_is_error(response)["fields"]) == ["password"]


def test_text_no_database_can_store_is_400_with_the_field_named(api_client: APIClient) -> None:
    # A NUL byte and a lone surrogate both parse as JSON; PostgreSQL would refuse them with a 500.
    body = '{"email": "tara@example.org", "password": "a\\u0000b", "note": "\\ud800"}'
    response = api_client.post(TOKEN_PATH, body, content_type="application/json")

    assert response.status_code == 400
    assert set(_is_error(response)["fields"]) == {"password", "note"}


def test_a_body_over_the_upload_limit_is_413(api_client: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"email": "tara@example.org", "password": "y" * 20_000})

    response = api_client.post(TOKEN_PATH, body, content_type="application/json")

    assert response.status_code == 413
    assert _is_error(response)["code"] == "payload_too_large"


def test_an_unknown_api_url_answers_in_the_error_format(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert _is_error(response)["code"] == "not_found"


def test_a_page_outside_the_api_keeps_the_html_404(client: Any, db: None) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


# --- Every operation with a JSON body, as each persona ----------------------------------------------------------


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=str)
def test_bad_bodies_are_refused_and_nothing_is_saved(operation: Operation, world: World) -> None:
    properties = body_properties(operation)
    url = operation.url(**world.path_ids(operation.path))
    send = {"POST": "post", "PUT": "put", "PATCH": "patch", "DELETE": "delete"}[operation.method]
    reached_validation = False
    for persona in PERSONAS:
        api = world.client(persona)
        before = row_counts()

        malformed = getattr(api, send)(url, '{"broken": ', content_type="application/json")
        form = getattr(api, send)(url, "a=1&b=2", content_type="application/x-www-form-urlencoded")
        wrong_types = getattr(api, send)(url, {name: _wrong_type(p) for name, p in properties.items()}, format="json")
        huge = getattr(api, send)(url, {name: MEGABYTE for name in properties} or {"x": MEGABYTE}, format="json")

        assert row_counts() == before, f"{operation} as {persona} saved something from a refused request"
        for response in (malformed, form, wrong_types, huge):
            assert 400 <= response.status_code < 500, (persona, response.status_code, response.content[:500])
            _is_error(response)
        if malformed.status_code == 400:
            reached_validation = True
            assert _is_error(malformed)["code"] == "malformed_json"
            assert form.status_code == 415
        if wrong_types.status_code == 400 and properties:
            named = set(_is_error(wrong_types)["fields"])
            assert named, f"{operation}: a 400 for wrong types must name the fields"
        if huge.status_code == 400 and properties:
            assert set(_is_error(huge)["fields"]) & set(properties), f"{operation}: the 1 MB field is not named"
    if not operation.path_params:
        assert reached_validation, f"{operation}: no persona's body was ever parsed (403 for all three?)"


SIGN_IN = [op for op in operations() if (op.method, op.path) == ("POST", TOKEN_PATH)]


@pytest.mark.parametrize("operation", [*BODY_OPERATIONS, *SIGN_IN], ids=str)
def test_a_field_the_operation_does_not_know_is_400_naming_it_and_nothing_is_saved(
    operation: Operation, world: World
) -> None:
    # Before: DRF dropped unknown names, so PATCH /goals/1/ {"tittle": "…"} answered 200 with nothing changed
    # and PATCH /me/ {"is_staff": true} 200 as if it had worked: a client's typo looked like success.
    url = operation.url(**world.path_ids(operation.path))
    send = {"POST": "post", "PUT": "put", "PATCH": "patch"}[operation.method]
    named = []
    for persona in PERSONAS:
        before = row_counts()

        response = getattr(world.client(persona), send)(url, {"no_such_field": 1}, format="json")

        assert row_counts() == before, f"{operation} as {persona} saved something"
        assert not 200 <= response.status_code < 300, (persona, response.content[:300])
        if response.status_code == 400:
            named.append(persona)
            assert "no_such_field" in _is_error(response)["fields"], (persona, response.content[:300])
    assert named or operation.path_params, f"{operation}: no persona reached the body's validation"


@pytest.mark.parametrize(
    ("persona", "method", "url"),
    [
        ("trainee", "patch", "/api/v1/me/"),
        ("trainee", "patch", "/api/v1/goals/{goal}/"),
        ("mentor", "put", "/api/v1/session-logs/{session_log}/"),
    ],
)
def test_what_a_client_read_can_be_sent_back_read_only_fields_included(
    persona: str, method: str, url: str, world: World
) -> None:
    api = world.client(persona)
    url = url.format(goal=world.objects["goal"].pk, session_log=world.objects["session_log"].pk)
    # Before: /me/ reads `"mentor_profile": null` for a trainee, and sending that back was 400 "A profile cannot
    # be removed through the API" although there was nothing to remove.
    body = api.get(url).json()

    response = getattr(api, method)(url, body, format="json")

    assert response.status_code == 200, response.content[:300]


def test_a_profile_one_holds_cannot_be_removed_by_sending_null(world: World) -> None:
    api = world.client("trainee")

    response = api.patch("/api/v1/me/", {"trainee_profile": None}, format="json")

    assert response.status_code == 400
    assert api.get("/api/v1/me/").json()["trainee_profile"] is not None


@pytest.mark.parametrize("operation", ID_OPERATIONS, ids=str)
def test_unknown_ids_in_the_path_are_404_in_the_error_format(operation: Operation, world: World) -> None:
    before = row_counts()
    statuses = set()
    for persona in ("trainee", "coordinator"):
        api = world.client(persona)
        for bad_id in (987654321, "not-a-number"):
            url = operation.url(**dict.fromkeys(operation.path_params, bad_id))
            response = api.generic(operation.method, url, "{}", content_type="application/json")

            # 403: a role refused before the lookup; 409: a domain refusal before it ("fill in your trainee
            # profile first"). Never 405 (the path exists without that method) and never 5xx.
            assert response.status_code in {403, 404, 409}, (persona, url, response.status_code, response.content)
            _is_error(response)
            statuses.add(response.status_code)
    assert 404 in statuses
    assert row_counts() == before


def test_a_number_too_large_for_the_database_is_400_not_a_crash(world: World) -> None:
    """schemathesis found /api/v1/matches/?program=-1.3e+227 crashing on SQLite (NumberFilter on an id)."""
    response = world.client("coordinator").get("/api/v1/matches/", {"program": "-1.3209137867059521e+227"})

    assert response.status_code in {200, 400}  # SQLite: 400 from the handler; PostgreSQL finds no match
    if response.status_code == 400:
        assert _is_error(response)["code"] == "invalid"


@pytest.mark.parametrize("url", ["/api/v1/crash/plain/", "/api/v1/crash/drf/"])
def test_a_crash_under_the_api_is_a_500_in_the_error_format_without_internals(
    url: str, client: Any, settings: Any
) -> None:
    settings.ROOT_URLCONF = "tests.api.crash_urls"
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == 500
    assert _is_error(response)["code"] == "server_error"
    assert b"secret internals" not in response.content


def test_a_crash_outside_the_api_keeps_the_html_500_page(client: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.api.crash_urls"
    client.raise_request_exception = False

    response = client.get("/crash/")

    assert response.status_code == 500
    assert "text/html" in response["Content-Type"]


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/goals/"])
def test_a_format_the_api_cannot_answer_in_is_406_like_the_accept_header(url: str, world: World) -> None:
    # Before: ?format=xml was 404 "Not found." on a URL that exists, as if the resource were missing.
    response = world.client("trainee").get(url, {"format": "xml"})

    assert response.status_code == 406
    assert _is_error(response)["code"] == "not_acceptable"


def test_an_accept_header_the_api_cannot_meet_is_the_documented_406(world: World) -> None:
    response = world.client("trainee").get("/api/v1/me/", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert _is_error(response)["code"] == "not_acceptable"
    assert "`not_acceptable` | 406" in (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()


def test_a_format_suffix_in_the_path_stays_a_404(world: World) -> None:
    # schemathesis found it: /meetings/0.5/ is read by the router as meeting 0 with the format "5"; that URL
    # does not exist (an id that is not a number is 404), so it must not become the 406 of ?format=.
    response = world.client("trainee").get("/api/v1/meetings/0.5/")

    assert response.status_code == 404
    assert _is_error(response)["code"] == "not_found"
