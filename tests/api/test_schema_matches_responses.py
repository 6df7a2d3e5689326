"""The schema describes the bodies the API really sends: every field a read returns is documented, and every
field the schema calls required is there, for each persona, nested objects and list items included.

schemathesis checks bodies against the schema too, but a component allows undocumented properties, so a field
added to a view and not to its serializer's schema would pass there and surprise a client generated from it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import World
from tests.api.schema_walk import Operation, operations, resolve

pytestmark = pytest.mark.django_db

READS = [
    op
    for op in operations()
    if op.method == "GET" and "application/json" in op.spec["responses"].get("200", {}).get("content", {})
]


def _differences(where: str, documented: dict[str, Any], actual: Any) -> list[str]:
    documented = resolve(documented)
    if "allOf" in documented:
        documented = resolve(documented["allOf"][0])
    if "items" in documented:
        return _differences(f"{where}[0]", documented["items"], actual[0]) if actual else []
    properties = documented.get("properties")
    if properties is None or not isinstance(actual, dict):
        return []
    problems = [f"{where}: undocumented field {name!r}" for name in sorted(set(actual) - set(properties))]
    problems += [
        f"{where}: required field {name!r} missing" for name in documented.get("required", []) if name not in actual
    ]
    for name, value in actual.items():
        if name in properties:
            problems += _differences(f"{where}.{name}", properties[name], value)
    return problems


@pytest.mark.parametrize("operation", READS, ids=str)
def test_a_read_returns_exactly_the_documented_fields(operation: Operation, world: World) -> None:
    documented = operation.spec["responses"]["200"]["content"]["application/json"]["schema"]
    answered = 0
    problems: list[str] = []
    for persona in ("trainee", "mentor", "coordinator"):
        response = world.client(persona).get(operation.url(**world.path_ids(operation.path)))
        if response.status_code == 200:
            answered += 1
            problems += _differences(persona, documented, response.json())

    assert answered, f"{operation}: no persona got a 200 to compare"
    assert problems == []
