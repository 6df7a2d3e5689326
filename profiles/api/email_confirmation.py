"""Confirming my e-mail address through the API: ask for the link, and confirm with the token it carries."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.api import KnownFieldsOnly
from mentorship.api_query import KnownQueryParametersOnly
from mentorship.api_schema import ErrorSerializer
from profiles.access import signed_in_user
from profiles.api.auth import SignedInAPI
from profiles.services.email_confirmation import (
    DAILY_LIMIT,
    LINK_VALID_DAYS,
    email_confirm_by_token,
    email_confirmation_send,
)


class ConfirmationTokenSerializer(KnownFieldsOnly):
    token = serializers.CharField(
        max_length=500, help_text="The last part of the link in the e-mail: `/confirm-email/<token>/`."
    )


class ConfirmedSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    email_confirmed = serializers.BooleanField(read_only=True)


class ConfirmationRequestView(SignedInAPI):
    @extend_schema(
        operation_id="me_email_confirmation_create",
        tags=["me"],
        summary="E-mail me a link that confirms my address",
        description=(
            "Coordinators enrol people by e-mail address, and invitations wait for the address's owner, so an "
            "account's address counts only once a link sent to it was opened. A link is sent at sign-up; this "
            f"sends another (at most one a minute and {DAILY_LIMIT} a day). Each link works for {LINK_VALID_DAYS} "
            "days; opening it shows a button that confirms."
        ),
        request=None,
        responses={
            204: OpenApiResponse(description="The e-mail is on its way."),
            400: OpenApiResponse(
                ErrorSerializer, description="The address is confirmed already (`email_already_confirmed`)."
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description=f"A link was sent less than a minute ago, or {DAILY_LIMIT} today "
                "(`confirmation_sent_recently`; no `Retry-After`).",
            ),
            503: OpenApiResponse(
                ErrorSerializer,
                description="The mail server did not take the e-mail; ask again later (`confirmation_not_sent`).",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        email_confirmation_send(user=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConfirmView(KnownQueryParametersOnly, APIView):
    # The token is the proof: no sign-in, so no session either (and so no CSRF check on a browser's cookie).
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="email_confirmation_confirm",
        tags=["auth"],
        summary="Confirm an e-mail address with the token from its link",
        request=ConfirmationTokenSerializer,
        examples=[OpenApiExample("Confirm", value={"token": "eyJ1c2VyIjo…"}, request_only=True)],
        responses={
            200: ConfirmedSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="The token is not valid, or names an address the account no longer has "
                f"(`confirmation_link_invalid`), or is more than {LINK_VALID_DAYS} days old "
                "(`confirmation_link_expired`).",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ConfirmationTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = email_confirm_by_token(token=serializer.validated_data["token"])
        return Response(ConfirmedSerializer({"email": user.email, "email_confirmed": user.email_confirmed}).data)
