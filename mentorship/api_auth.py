"""Token sign-in for API clients: POST /api/v1/auth/token/ (e-mail + password → token), DELETE revokes it.

The password check goes through django.contrib.auth.authenticate() with the request, so django-axes counts
failures and locks the e-mail out exactly as it does on the login page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from mentorship.api import KnownFieldsOnly, LockedOut, NetworkLockedOut
from mentorship.api_query import KnownQueryParametersOnly
from mentorship.api_schema import ErrorSerializer
from mentorship.errors import ApplicationError
from profiles.networks import client_network
from profiles.services import token_issue, token_revoke
from profiles.sign_in import refusal_for, refusal_seconds_left

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before trying again: the throttle's, the lockout's cool-off (which a sign-in sent "
    "meanwhile starts again) or what is left of the network's hour.",
)


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status = 400


class TokenRequestSerializer(KnownFieldsOnly):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send it as `Authorization: Token <token>`.")


class _IsAuthenticatedToRevoke(permissions.BasePermission):
    """Anyone may ask for a token (that is how one signs in); only a signed-in person may revoke theirs."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method != "DELETE" or bool(request.user and request.user.is_authenticated)


class NetworkRateThrottle(ScopedRateThrottle):
    """Counts a caller who is not signed in by their network, as the log-in page's rations do (`client_network`: an
    IPv4 address or an IPv6 /64, behind TRUSTED_PROXY_COUNT proxies): DRF's own key is the single address, and
    one IPv6 host holds 2^64 of them."""

    def get_ident(self, request: Request) -> str:
        return client_network(request) or super().get_ident(request)


class TokenView(KnownQueryParametersOnly, APIView):
    # The credentials are in the body (or the token in the header), never the session: a browser signed in to the
    # site got 403 "CSRF Failed" from SessionAuthentication's check before its e-mail and password were read.
    authentication_classes = [TokenAuthentication]
    permission_classes = [_IsAuthenticatedToRevoke]
    throttle_classes = [NetworkRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary="Sign in: exchange an e-mail and password for an API token",
        description=(
            "Returns the caller's token (the same one until it is revoked). Failures count towards the "
            "account lockout: after 5 failed attempts for an e-mail from one network (an IPv4 address or IPv6 "
            "/64), further attempts — even "
            'with the right password — get 429 `{"error": {"code": "locked_out"}}` until the cool-off ends or '
            "a coordinator unlocks the account in the admin; every 429 says in `Retry-After` how many seconds to "
            "wait. The endpoint is also throttled (scope `token`). The e-mail and password in the body are the "
            "only credentials read: no session, so no CSRF token either."
        ),
        parameters=[RETRY_AFTER],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Missing fields, or wrong e-mail or password."),
            401: OpenApiResponse(ErrorSerializer, description="An invalid token was sent in the header."),
            429: OpenApiResponse(
                ErrorSerializer,
                description="Locked out (`locked_out`), too many failed sign-ins from this network in the last hour "
                "(`network_locked_out`), or throttled.",
            ),
        },
        examples=[OpenApiExample("Sign in", value={"email": "tara@example.org", "password": "…"}, request_only=True)],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refusal = refusal_for(request)
        if refusal is not None:
            raise NetworkLockedOut(refusal, wait=refusal_seconds_left(request))
        # The DRF request (not request._request) goes to authenticate(): axes marks the lockout on it, and we
        # answer in the API's error format instead of AxesMiddleware's HTML lockout page.
        user = authenticate(
            request=request,  # type: ignore[arg-type]
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            # This attempt counted as a failure too (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT): the whole
            # cool-off starts again now.
            raise LockedOut(wait=int(settings.AXES_COOLOFF_TIME.total_seconds()))
        if user is None:
            raise InvalidCredentials("The e-mail or password is not correct.")
        token = token_issue(user=user)
        return Response(TokenSerializer({"token": token.key}).data, status=status.HTTP_200_OK)

    @extend_schema(
        operation_id="auth_token_destroy",
        tags=["auth"],
        summary="Sign out: revoke my API token",
        request=None,
        responses={
            204: OpenApiResponse(description="The token is deleted; sign in again for a new one."),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
            429: OpenApiResponse(ErrorSerializer, description="Throttled."),
        },
        parameters=[RETRY_AFTER],
    )
    def delete(self, request: Request) -> Response:
        token_revoke(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
