"""A string field that may be blank takes "" in the schema exactly once: what an in-person or phone meeting sends
as its `video_link`.

Tried: validating `{"format": "in_person", "video_link": "", …}` (POST /api/v1/meetings/) against the schema with a
strict validator failed: `video_link` was `oneOf: [{type: string, maxLength: 2000, anyOf: [{format: uri},
{maxLength: 0}]}, {type: string, maxLength: 0}]`, and "" matches both branches wherever `format` is not asserted,
so the documented default was refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.api.schema_walk import json_schema, resolve, schema


def _properties_that_may_be_blank() -> list[tuple[str, str]]:
    """Every property whose schema, or a branch of it, defaults to "" or allows a string of length 0."""
    found = []
    for component, node in sorted(schema()["components"]["schemas"].items()):
        for name, prop in node.get("properties", {}).items():
            parts = [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]
            if any(part.get("default") == "" or part.get("maxLength") == 0 for part in parts):
                found.append((component, name))
    return found


BLANK = _properties_that_may_be_blank()


def _errors(node: dict[str, Any], value: Any) -> list[str]:
    return [error.message for error in Draft202012Validator(json_schema(node)).iter_errors(value)]


def test_an_in_person_meeting_without_a_video_link_satisfies_the_proposal_schema() -> None:
    body = {
        "match": 1,
        "start": "2030-05-04T10:00:00",
        "format": "in_person",
        "place": "Room 4, Clinical Sciences Building",
        "video_link": "",
        "phone": "",
    }

    assert _errors({"$ref": "#/components/schemas/MeetingProposeRequest"}, body) == []


def test_the_video_link_is_still_documented_as_a_url_when_it_is_not_blank() -> None:
    video_link = resolve(schema()["components"]["schemas"]["MeetingProposeRequest"])["properties"]["video_link"]

    assert "oneOf" not in video_link
    assert video_link["anyOf"] == [{"format": "uri"}, {"maxLength": 0}]
    assert video_link["maxLength"] == 2000
    assert _errors(video_link, "x" * 2001) != []


def test_the_schema_has_blank_string_fields_to_check() -> None:
    assert ("MeetingProposeRequest", "video_link") in BLANK
    assert ("Meeting", "video_link") in BLANK


@pytest.mark.parametrize(("component", "name"), BLANK, ids=[f"{c}.{n}" for c, n in BLANK])
def test_every_field_that_may_be_blank_takes_the_empty_string(component: str, name: str) -> None:
    prop = schema()["components"]["schemas"][component]["properties"][name]

    assert _errors(prop, "") == []
