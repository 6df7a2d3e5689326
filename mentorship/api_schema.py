"""OpenAPI schema: the shared error component, and error responses every operation really can return.

Feature modules document their own success bodies and domain refusals (409 `mentor_at_capacity`, …) with
`extend_schema`. What every view gets from the framework — 401 for a missing or bad token, 403 from a permission
or CSRF check, 404 for an unknown id or page, 400/413/415 for a bad body, 429 from a throttle — is added here,
once, so no operation can forget it and schemathesis can hold the API to its schema.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
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


class ApiErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable: clients switch on it.")
    message = serializers.CharField(help_text="For people; may change.")
    # The metaclass moves declared fields off the class, so this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Field name → list of problems (nested objects for nested fields); empty when no field is at fault.",
    )


class ApiErrorSerializer(serializers.Serializer):
    """Every error response of the API."""

    error = ApiErrorDetailSerializer()


# Feature modules import this name for their own error responses: `409: OpenApiResponse(ErrorSerializer, ...)`.
ErrorSerializer = ApiErrorSerializer


class ApiAutoSchema(AutoSchema):
    """AutoSchema that adds the framework's error responses an operation can return and has not documented."""

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

    def _map_serializer(self, serializer: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False  # mentorship.api.KnownFieldsOnly: any other name is a 400
        return schema

    def _error_response(self, code: str, description: str) -> dict[str, Any]:
        return self._get_response_for_code(OpenApiResponse(ApiErrorSerializer, description=description), code)  # type: ignore[no-any-return]

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if _may_be_blank(field):
            # "" is a valid value of a blank URL or e-mail field, but `format: uri` makes every client validator
            # (and schemathesis) reject it: allow the empty string explicitly, keep the format otherwise.
            for node in [schema, *schema.get("oneOf", [])]:
                if node.get("format") in {"uri", "email"}:
                    node["anyOf"] = [{"format": node.pop("format")}, {"maxLength": 0}]

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
