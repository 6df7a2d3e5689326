"""One error format for the whole API: {"error": {"code", "message", "fields"}}.

Everything under /api/ answers in this format, whatever went wrong: a domain refusal (ApplicationError), a DRF
exception (validation, authentication, throttling, a malformed body), a URL that matches no route (handler404)
or a crash (handler500). Clients switch on `code`, which is stable; `message` is for people. A refusal that names
the object the request would have duplicated (a create sent again) adds it as `existing` ({"id", "url"}) and
`Location`.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mentorship.api_paths import is_api, path_with_slash
from mentorship.errors import ApplicationError

# No text the API stores is anywhere near this long (statements, goal descriptions, session notes are a few
# paragraphs); refusing longer strings at the parser names the field instead of storing a megabyte of text.
MAX_STRING_LENGTH = 20_000


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class SignInRefused(exceptions.APIException):
    """A sign-in refused for `wait` seconds, which DRF's handler sends as `Retry-After`, as it does a throttle's."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, detail: str | None = None, *, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait


class NetworkLockedOut(SignInRefused):
    """Too many failed sign-ins from the caller's network this hour, whatever the accounts (profiles.sign_in)."""

    default_code = "network_locked_out"


class LockedOut(SignInRefused):
    """django-axes refused the login: too many failures for this e-mail from this network (IPv4 address or IPv6 /64)."""

    default_detail = (
        "Too many failed sign-in attempts. Try again later, or ask the site's administrators to unlock the account."
    )
    default_code = "locked_out"


def _error(
    code: str, message: str, fields: dict[str, Any] | None, http_status: int, existing: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    if existing is None:
        return Response({"error": body}, status=http_status)
    headers = {"Location": existing["url"]}
    return Response({"error": {**body, "existing": existing}}, status=http_status, headers=headers)


def _existing(exc: ApplicationError, context: dict[str, Any]) -> dict[str, Any] | None:
    """`{"id", "url"}` of the object a refused create would have duplicated (ApplicationError.existing), in the
    collection the request was sent to: a client whose first sending's response was lost carries on with it."""
    # A viewset's router names its detail route; other views hold no collection (rest_framework.viewsets is not
    # imported here: it builds GenericAPIView, which imports the OrderingFilter of the API's settings).
    reverse_action = getattr(context.get("view"), "reverse_action", None)
    if exc.existing is None or reverse_action is None:
        return None
    return {"id": exc.existing.pk, "url": reverse_action("detail", args=[exc.existing.pk])}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) if isinstance(item, (dict, list)) else str(item) for item in detail]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return _error(exc.code, exc.message, exc.fields, exc.status, _existing(exc, context))
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _error("invalid", "The request is not valid.", fields, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, OverflowError) and "SQLite INTEGER" in str(exc):
        # SQLite cannot bind an integer beyond 64 bits (PostgreSQL compares it and finds nothing): the number
        # came from the client, in a filter or body field whose own validation let it through.
        return _error("invalid", "A number in the request is out of range.", {}, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        # DRF reads JSON through request.body, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) caps it.
        exc = PayloadTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        names = ", ".join(sorted(fields))
        response.data = {"error": {"code": "invalid", "message": f"Invalid input: {names}.", "fields": fields}}
        return response
    if isinstance(exc, exceptions.ParseError):
        # The body is not JSON at all (or too deeply nested to read): no field can be named.
        response.data = {"error": {"code": "malformed_json", "message": str(exc.detail), "fields": {}}}
        return response
    detail = getattr(exc, "detail", str(exc))
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"error": {"code": str(code), "message": str(detail), "fields": {}}}
    return response


def _refuse_unstorable_strings(data: Any) -> None:
    """Name every string field that is absurdly long or holds characters no database can store.

    Walks the parsed JSON iteratively (a parse that succeeded can still be deep enough to exhaust recursion).
    NUL and lone surrogates pass JSON parsing but PostgreSQL refuses them with a 500, so they stop here.
    """
    errors: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]" if path else f"[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str):
            name = path or "non_field_errors"
            if len(value) > MAX_STRING_LENGTH:
                errors[name] = [f"Ensure this field has no more than {MAX_STRING_LENGTH} characters."]
            elif "\x00" in value:
                errors[name] = ["Null characters are not allowed."]
            else:
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    errors[name] = ["This text contains characters that are not valid Unicode."]
    if errors:
        raise exceptions.ValidationError(errors)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing what would otherwise become a 500 or a megabyte in a text column.

    NaN/Infinity are refused (not JSON), a nesting deep enough to exhaust recursion is a parse error (DRF's
    parser lets RecursionError through), and every string is checked by _refuse_unstorable_strings.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        _refuse_unstorable_strings(data)
        return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


UNKNOWN_FIELD = "This operation takes no such field."


class KnownFieldsOnly(serializers.Serializer):
    """A request body with a name the serializer does not have is a 400 naming it, with any other field's errors.

    DRF drops unknown names, so a typo ({"tittle": …}) or a field the API does not let a client set
    ({"is_staff": true}) answered 200 while nothing changed. Names the serializer has read-only (`id`,
    `updated_at`) are still accepted and ignored, so a client can send back what it read.
    """

    #: Read by mentorship.api_schema, which documents such a request body as `additionalProperties: false`.
    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {str(name): [UNKNOWN_FIELD] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if errors and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **errors}) from error
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class IdField(serializers.PrimaryKeyRelatedField):
    """An object named by its id in a request body: a whole number (or a string of one).

    DRF's PrimaryKeyRelatedField hands the value to the database as it comes, and the id lookup rounds 1.5 down
    to 1: a client's slip would name whoever has the id below. Reading it as an integer first makes it a 400.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pk_field", serializers.IntegerField())
        super().__init__(**kwargs)


class VisibleIdField(IdField):
    """An id in a request body that must name an object the caller may see (`visible(user)`).

    Someone else's object is then "does not exist", word for word the answer to an id nobody has: a 403 from the
    service for a real but foreign id would tell a caller which ids exist, as a 403 on a path would. `queryset`
    stays the model's (it types the field in the schema); the serializer needs the request in its context.
    `visible` is a selector called as `visible(user=…)`.
    """

    def __init__(self, *, visible: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible(user=self.context["request"].user)


def etag(version: str) -> str:
    """The `ETag` header naming a version (profiles.versions)."""
    return f'"{version}"'


def if_match(request: Any) -> list[str] | None:
    """The versions an `If-Match` header names (None without one, or for `*`: any version will do).

    A weak tag (`W/"…"`, as a proxy that compresses may turn ours into) names the same version: the versions are
    of the stored object, not of the bytes sent.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    return [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",") if tag.strip()]


def _api_error(request: HttpRequest, code: str, message: str, http_status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=http_status)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a URL under /api/ that matches no route still answers in the API's error format, naming the path
    meant when only the trailing slash is missing (mentorship.api_paths: no redirect under /api/)."""
    if is_api(request):
        meant = path_with_slash(request)
        message = f"Not found. Did you mean {meant}? Every API path ends with a slash." if meant else "Not found."
        return _api_error(request, "not_found", message, status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: what a browser sent past DATA_UPLOAD_MAX_MEMORY_SIZE (a roster of 100,000 rows pasted into *Enrol
    from a list*) is refused before any view or form can word it, as Django's bare "Bad Request (400)": say what
    happened and what to do. Anything else malformed gets the usual page."""
    if isinstance(exception, RequestDataTooBig):
        if is_api(request):
            return _api_error(request, PayloadTooLarge.default_code, str(PayloadTooLarge.default_detail), 413)
        limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:.1f} MB"
        page = loader.get_template("400.html").render({"too_big": limit})
        return HttpResponse(page, status=413)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the crash is logged by Django; the client gets the error format, never a traceback."""
    if is_api(request):
        return _api_error(request, "server_error", "Something went wrong on our side.", 500)
    return defaults.server_error(request)
