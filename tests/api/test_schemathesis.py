"""schemathesis against the API's own schema: every operation, 50 generated requests each, as real personas.

Checks on every response: no 5xx, the status code and body are the ones the schema documents, and no secret
planted in another person's data (tests/api/conftest.py) appears in it. Requests are valid and invalid
(schemathesis' positive and negative modes) and include NUL bytes, huge numbers and odd Unicode.

Each generated request runs inside a savepoint that is rolled back afterwards, so every example starts from the
same world (a deleted token or an accepted meeting does not leak into the next example) and an error that aborts
a PostgreSQL transaction cannot poison the following examples. The operations come from /api/schema/, so new
endpoints are covered as soon as they are routed.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mentorship.wsgi import application
from tests.api.conftest import World

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# The main passes (trainee, coordinator) send 50 requests to every operation; the read-only passes fewer.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = settings(
    max_examples=50,
    derandomize=True,  # the same requests on every run: a failure in CI reproduces on a laptop
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the world is built once per operation, on purpose
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


def _exercise(case: Any, world: World, persona: str) -> None:
    savepoint = transaction.savepoint()
    try:
        cache.clear()  # throttle counters: each example is a first request
        response = case.call(headers=world.headers(persona))
        case.validate_response(response, checks=CHECKS)
        leaked = world.leaks(persona, response.text)
        assert not leaked, f"{case.method} {case.formatted_path} showed {persona} another person's {leaked}"
    finally:
        transaction.savepoint_rollback(savepoint)


@schema.parametrize()
@EXAMPLES
def test_the_api_holds_to_its_schema_as_a_trainee(
    case: Any, world: World, wsgi_requests_keep_the_test_connection: None
) -> None:
    _exercise(case, world, "trainee")


@schema.parametrize()
@EXAMPLES
def test_the_api_holds_to_its_schema_as_a_coordinator(
    case: Any, world: World, wsgi_requests_keep_the_test_connection: None
) -> None:
    _exercise(case, world, "coordinator")


@schema.include(method="GET").parametrize()
@settings(EXAMPLES, max_examples=25)
def test_reading_as_a_mentor_holds_to_the_schema(
    case: Any, world: World, wsgi_requests_keep_the_test_connection: None
) -> None:
    _exercise(case, world, "mentor")


@schema.include(method="GET").parametrize()
@settings(EXAMPLES, max_examples=10)  # every call stops at authentication: a few prove the 401 is documented
def test_reading_anonymously_gets_nothing_but_documented_refusals(
    case: Any, world: World, wsgi_requests_keep_the_test_connection: None
) -> None:
    _exercise(case, world, "anonymous")
