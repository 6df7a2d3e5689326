"""The schema's descriptions are written for API clients: an operation or a component is described by its own
docstring or `extend_schema` text, never by the developer's note on a base class or mixin it inherits.

Tried: reading /api/docs/. 23 operations were described as "Mixed into every API view (before DRF's view class)…"
(KnownQueryParametersOnly's docstring), 16 as "…Token is listed first so an anonymous call gets 401…"
(SignedInAPI's), and 24 components (Goal, Me, MentorProfile…) as "A request body with a name the serializer does
not have is a 400…" (KnownFieldsOnly's). A message's `kind` read "Selects the templates notifications/<kind>.*",
with no enum, though the list's `kind` filter has one.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from django.urls import resolve as resolve_url
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from rest_framework.serializers import BaseSerializer
from rest_framework.test import APIClient

from mentorship.api import KnownFieldsOnly
from mentorship.api_query import KnownQueryParametersOnly
from notifications.kinds import Kind
from notifications.services import notify
from profiles.api.auth import SignedInAPI
from tests.api.schema_walk import Operation, json_schema, operations, resolve, schema
from tests.factories import MatchFactory, TraineeProfileFactory

OPERATIONS = operations()


def _doc(cls: type) -> str | None:
    """The docstring `cls` itself carries, cleaned as drf-spectacular cleans it."""
    doc = cls.__dict__.get("__doc__")
    return "\n".join(line.rstrip() for line in inspect.cleandoc(doc).rstrip().split("\n")) if doc else None


def _view_class(operation: Operation) -> type:
    func = resolve_url(operation.url()).func
    return getattr(func, "cls", None) or func.view_class  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("mixin", [KnownQueryParametersOnly, SignedInAPI, KnownFieldsOnly], ids=lambda c: c.__name__)
def test_a_base_class_s_docstring_appears_nowhere_in_the_schema(mixin: type) -> None:
    first_line = (_doc(mixin) or "").splitlines()[0]

    assert first_line
    assert first_line not in json.dumps(schema(), ensure_ascii=False)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_no_operation_is_described_by_a_class_its_view_inherits_from(operation: Operation) -> None:
    inherited = {_doc(cls) for cls in _view_class(operation).__mro__[1:]} - {None}

    assert operation.spec.get("description") not in inherited


def _serializer_components() -> list[tuple[str, Any, dict[str, Any]]]:
    generator = SchemaGenerator()
    built = generator.get_schema(request=None, public=True)["components"]["schemas"]
    # The registry is the one place that knows which serializer made which component.
    registered = generator.registry._components.values()
    return sorted(
        (component.name, component.object, built[component.name])
        for component in registered
        if component.type == "schemas" and isinstance(component.object, BaseSerializer)
    )


COMPONENTS = _serializer_components()


def test_the_schema_has_serializer_components_to_check() -> None:
    assert {"Goal", "Me", "MentorProfile", "TraineeProfile"} <= {name for name, _, _ in COMPONENTS}


@pytest.mark.parametrize(("name", "serializer", "component"), COMPONENTS, ids=[name for name, _, _ in COMPONENTS])
def test_a_component_is_described_by_its_own_serializer_s_docstring_or_not_at_all(
    name: str, serializer: Any, component: dict[str, Any]
) -> None:
    assert component.get("description") in (None, _doc(type(serializer)))


# --- a message's kind ---------------------------------------------------------------------------------------------


def _notification_kind() -> dict[str, Any]:
    return schema()["components"]["schemas"]["Notification"]["properties"]["kind"]  # type: ignore[no-any-return]


def test_a_message_s_kind_takes_the_values_the_kind_filter_takes() -> None:
    listing = next(op for op in OPERATIONS if (op.method, op.path) == ("GET", "/api/v1/notifications/"))
    kind_filter = next(p for p in listing.spec["parameters"] if p["name"] == "kind")
    kind = _notification_kind()

    assert resolve(kind["allOf"][0])["enum"] == kind_filter["schema"]["enum"] == sorted(Kind.values)


def test_a_message_s_kind_is_described_for_a_client_not_for_the_template_author() -> None:
    description = _notification_kind()["description"]

    assert "template" not in description
    assert "`kind` filter" in description


@pytest.mark.django_db
def test_a_real_message_holds_to_the_notification_component() -> None:
    trainee = TraineeProfileFactory()
    notify(recipient=trainee.user, kind=Kind.MATCH_APPROVED, about=MatchFactory(trainee=trainee), email=False)
    api = APIClient()
    api.force_authenticate(trainee.user)

    response = api.get("/api/v1/notifications/")
    validator = Draft202012Validator(json_schema({"$ref": "#/components/schemas/Notification"}))

    assert response.status_code == 200
    assert [row["kind"] for row in response.json()["results"]] == ["match_approved"]
    assert [error.message for row in response.json()["results"] for error in validator.iter_errors(row)] == []
