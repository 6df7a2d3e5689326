"""OpenAPI schema: the shared error component, and error responses every operation really can return.

Feature modules document their own success bodies and domain refusals (409 `mentor_at_capacity`, …) with
`extend_schema`. What every view gets from the framework — 401 for a missing or bad token, 403 from a permission
or CSRF check, 404 for an unknown id or page, 400/413/415 for a bad body, 429 from a throttle — is added here,
once, so no operation can forget it and schemathesis can hold the API to its schema.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc, get_override, is_list_serializer, is_patched_serializer, is_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

_DESCRIPTIONS = {
    "400": "The input is not valid: `fields` names each field or query parameter and what is wrong, a query "
    "parameter the operation does not take included (code `invalid`), or the body is not JSON (code "
    "`malformed_json`).",
    "401": "Not signed in, or the token is not valid (codes `not_authenticated`, `authentication_failed`).",
    "403": "Signed in but not allowed to do this (code `permission_denied`).",
    "404": "No such object among those visible to the caller, or no such page (code `not_found`).",
    "413": "The body is larger than the server accepts (code `payload_too_large`).",
    "415": "The body is not `application/json` (code `unsupported_media_type`).",
    "429": "Too many requests; retry after the `Retry-After` header's seconds (code `throttled`).",
}


#: Optimistic locking (profiles.versions): a read names the version it shows, a write may require it.
def etag_header(status: int = 200) -> OpenApiParameter:
    """The `ETag` header of an operation's `status` response."""
    return OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        response=[status],
        description="The version of what this response shows: send it back as `If-Match` with a change.",
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The `ETag` of the version you read. If it changed since, nothing is written and the answer is "
    "412 `changed_since_read`. Without the header, the write is made whatever changed meanwhile.",
)
CHANGED_SINCE_READ = OpenApiResponse(
    description="`If-Match` names a version that is no longer current: someone changed it since it was read "
    "(code `changed_since_read`); nothing was written. Read it again and redo the change."
)


class ExistingObjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="Its address in the API, also sent as the `Location` header.")


class ApiErrorDetailSerializer(serializers.Serializer):
    #: `existing` is only in a refusal that names an earlier object (read by ApiAutoSchema for `required`).
    absent_for_some_callers = ("existing",)

    code = serializers.CharField(help_text="Stable, machine-readable: clients switch on it.")
    message = serializers.CharField(help_text="For people; may change.")
    # The metaclass moves declared fields off the class, so this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Field name → list of problems (nested objects for nested fields); empty when no field is at fault.",
    )
    existing = ExistingObjectSerializer(
        required=False,
        help_text="Only in a 409 refusing a create sent again (`meeting_already_proposed`, `session_already_logged`): "
        "the object its first sending created, which stands. Nothing new was written.",
    )


class ApiErrorSerializer(serializers.Serializer):
    """Every error response of the API."""

    error = ApiErrorDetailSerializer()


# Feature modules import this name for their own error responses: `409: OpenApiResponse(ErrorSerializer, ...)`.
ErrorSerializer = ApiErrorSerializer


class ApiAutoSchema(AutoSchema):
    """AutoSchema that adds the framework's error responses an operation can return and has not documented.

    It also documents what the serializers really do where drf-spectacular's defaults say otherwise: a PATCH takes
    its nested sections partially too, a response holds every field its serializer writes, a blank-able string
    allows "" once, and only a class's own docstring describes it (a base class's or mixin's is for developers).
    """

    #: Set while a PATCH body is mapped: DRF skips a missing field anywhere under a partial serializer.
    _partial_request = False

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._framework_error_codes():
            if code not in responses:
                responses[code] = self._error_response(code, _DESCRIPTIONS[code])
        for code, response in list(responses.items()):
            # An error documented with a description only still has the error body: say so.
            if code.isdigit() and int(code) >= 400 and "content" not in response:
                responses[code] = {**response, "content": self._error_response(code, "")["content"]}
        return responses

    def get_description(self) -> str:  # type: ignore[override]
        action = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        return own_doc(action) or own_doc(type(self.view))

    def _map_serializer(self, serializer: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False  # mentorship.api.KnownFieldsOnly: any other name is a 400
        if direction == "response" and schema.get("properties"):
            # `required=False` on a serializer that also reads a body speaks of the request; a response holds every
            # field but those the serializer names as left out for some callers.
            absent = set(getattr(serializer, "absent_for_some_callers", ()))
            required = sorted(name for name in schema["properties"] if name not in absent)
            schema.pop("required", None)
            if required:
                schema["required"] = required
        inherited = get_doc(type(serializer))
        if schema.get("description") == inherited and not get_override(serializer, "description"):
            own = own_doc(type(serializer))
            if own:
                schema["description"] = own
            else:
                del schema["description"]
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        outer = self._partial_request
        self._partial_request = outer or is_patched_serializer(serializer, direction)
        try:
            return super()._map_basic_serializer(serializer, direction)  # type: ignore[no-any-return]
        finally:
            self._partial_request = outer

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        if self._partial_request and is_serializer(field) and not field.read_only:
            # A section of a PATCH body is partial as the body is (`{"mentor_profile": {"accepting_mentees":
            # false}}`): document it as its "Patched…" component, every field optional.
            field = copy.copy(field)
            if is_list_serializer(field):
                child: Any = copy.copy(field.child)
                child.partial = True
                field.child = child
            field.partial = True
        return super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[no-any-return]

    def _error_response(self, code: str, description: str) -> dict[str, Any]:
        # JSON whatever the operation's success is in (a meeting's .ics is text/calendar, its errors are not).
        response = OpenApiResponse(ApiErrorSerializer, description=description)
        return self._get_response_for_code(response, code, media_types=["application/json"])  # type: ignore[no-any-return]

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if not isinstance(field, serializers.CharField) or not _may_be_blank(field):
            return
        # "" is a valid value of a blank URL or e-mail field, but `format: uri` makes a client validator (and
        # schemathesis) reject it: allow the empty string explicitly, keep the format otherwise. drf-spectacular
        # writes `oneOf: [the string, {maxLength: 0}]` for a writable one, which "" satisfies twice wherever the
        # format is not checked, so a strict validator refuses it: one schema, with the choice in `anyOf`, instead.
        branches = schema.get("oneOf", [])
        if len(branches) == 2 and branches[1] == {"type": "string", "maxLength": 0}:
            outer = {key: value for key, value in schema.items() if key != "oneOf"}
            schema.clear()
            schema.update({**branches[0], **outer})
        constraints = {key: schema.pop(key) for key in ("format", "pattern", "minLength") if key in schema}
        if constraints:
            schema["anyOf"] = [constraints, {"maxLength": 0}]

    def _framework_error_codes(self) -> list[str]:
        codes: list[str] = []
        auth = self.get_auth()
        public = not auth or {} in auth
        has_body = self.method in BODY_METHODS and self.get_request_serializer() is not None
        is_list = self.method == "GET" and self._is_list_view()
        codes.append("400")  # a bad body or filter value, or a query parameter the operation does not take
        if self.view.get_authenticators():
            codes.append("401")  # even a public operation refuses a bad token
        if not public:
            codes.append("403")
        if "{" in self.path or (is_list and self._get_paginator() is not None):
            codes.append("404")  # an id the caller cannot see, or a page past the end
        if has_body:
            codes += ["413", "415"]
        if self.view.get_throttles():
            codes.append("429")
        return codes


def _may_be_blank(field: Any) -> bool:
    """Whether a serializer field can hold "" (a read-only field keeps no allow_blank; ask its model field)."""
    if getattr(field, "allow_blank", False):
        return True
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if not field.read_only or model is None or not field.source or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except Exception:  # not a model field (a method or property): nothing says it may be blank
        return False


def own_doc(obj: Any) -> str:
    """The docstring `obj` (a class or a method) carries itself, not one inherited from a base class or a mixin."""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    if not doc:
        return ""
    return "\n".join(line.rstrip() for line in inspect.cleandoc(doc).rstrip().split("\n"))
