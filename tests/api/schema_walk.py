"""Walk the project's own OpenAPI schema, so the API tests cover every operation that exists, including new ones."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model

METHODS = ("get", "post", "put", "patch", "delete")
TOKEN_PATH = "/api/v1/auth/token/"
# Operations anyone may call without signing in (reference data would be listed here if it were public).
PUBLIC = {("POST", TOKEN_PATH)}
# Rows written by every request whatever the outcome (sign-in attempts); not "data saved" by the API.
BOOKKEEPING_TABLES = {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "django_session"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{([^}]+)}", self.path)

    @property
    def is_public(self) -> bool:
        security = self.spec.get("security")
        return (self.method, self.path) in PUBLIC or security == [] or (security is not None and {} in security)

    @property
    def has_json_body(self) -> bool:
        return "application/json" in self.spec.get("requestBody", {}).get("content", {})

    def url(self, **ids: Any) -> str:
        url = self.path
        for name in self.path_params:
            url = url.replace("{" + name + "}", str(ids.get(name, 1)))
        return url


@functools.cache
def schema() -> dict[str, Any]:
    """The schema /api/schema/ serves, generated in-process (no database needed)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def operations() -> list[Operation]:
    return [
        Operation(method.upper(), path, spec)
        for path, item in sorted(schema()["paths"].items())
        for method in METHODS
        if method in item
        for spec in [item[method]]
    ]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema()["components"]["schemas"][name]
    return node


def json_schema(node: dict[str, Any]) -> dict[str, Any]:
    """`node` as a JSON Schema a jsonschema validator takes: the components it may name under `$defs`, and OpenAPI
    3.0's `nullable: true` spelled the JSON Schema way. (`format` is not asserted unless the validator is told to.)"""

    def convert(value: Any) -> Any:
        if isinstance(value, list):
            return [convert(item) for item in value]
        if not isinstance(value, dict):
            return value
        converted = {key: convert(item) for key, item in value.items() if key != "nullable"}
        if "$ref" in converted:
            converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/$defs/")
        return {"anyOf": [converted, {"type": "null"}]} if value.get("nullable") is True else converted

    components = schema()["components"]["schemas"]
    return {**convert(node), "$defs": {name: convert(component) for name, component in components.items()}}


def body_properties(operation: Operation) -> dict[str, dict[str, Any]]:
    """Top-level properties of an operation's JSON request body, with their (resolved) schemas."""
    body = operation.spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    props = resolve(body).get("properties", {})
    return {name: resolve(prop) for name, prop in props.items() if not prop.get("readOnly")}


def row_counts() -> dict[str, int]:
    """Rows in every table the API could write to; compare before and after a refused request."""
    models: list[type[Model]] = [m for m in apps.get_models() if m._meta.db_table not in BOOKKEEPING_TABLES]
    from django.db import connection

    existing = set(connection.introspection.table_names())
    return {m._meta.label: m._base_manager.count() for m in models if m._meta.db_table in existing and m._meta.managed}
