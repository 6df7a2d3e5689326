"""GET/PATCH /api/v1/me/: my account and both my profiles. PATCH goes through the same services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.api import KnownFieldsOnly, etag, if_match
from mentorship.api_schema import CHANGED_SINCE_READ, IF_MATCH, etag_header
from profiles.access import signed_in_user
from profiles.api.auth import SignedInAPI
from profiles.api.profile_serializers import MentorProfileSerializer, TraineeProfileSerializer
from profiles.models import User
from profiles.selectors import mentor_profile_of, trainee_profile_of
from profiles.services import ProfileSectionInvalid, person_update
from profiles.versions import person_version


class MeSerializer(KnownFieldsOnly):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    email_confirmed = serializers.BooleanField(
        read_only=True,
        help_text="Whether a link sent to the address was opened (POST me/email-confirmation/ sends one).",
    )
    full_name = serializers.CharField(max_length=150, required=False)
    is_coordinator = serializers.BooleanField(read_only=True)
    trainee_profile = TraineeProfileSerializer(allow_null=True, required=False)
    mentor_profile = MentorProfileSerializer(allow_null=True, required=False)


def _me(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "email_confirmed": user.email_confirmed,
        "full_name": user.full_name,
        "is_coordinator": user.is_coordinator(),
        "trainee_profile": trainee_profile_of(user=user),
        "mentor_profile": mentor_profile_of(user=user),
    }


_PATCH_EXAMPLE = OpenApiExample(
    "Become a mentor too",
    value={
        "mentor_profile": {
            "career_stage": 3,
            "specialty": 1,
            "time_zone": "America/Chicago",
            "meeting_formats": ["video"],
            "languages": [1],
            "focus_areas": [1, 3],
            "capacity": 2,
        }
    },
    request_only=True,
)
_PATCH_SECTION_EXAMPLE = OpenApiExample(
    "Stop taking new mentees", value={"mentor_profile": {"accepting_mentees": False}}, request_only=True
)


def _needed_to_create(serializer: type[serializers.Serializer]) -> str:
    return ", ".join(f"`{name}`" for name, field in serializer().fields.items() if field.required)


class MeView(SignedInAPI):
    @extend_schema(
        tags=["me"], summary="My account and profiles", parameters=[etag_header()], responses={200: MeSerializer}
    )
    def get(self, request: Request) -> Response:
        return _respond(signed_in_user(request))

    @extend_schema(
        tags=["me"],
        summary="Change my name or profiles; a profile section I do not hold yet is created",
        description="Send only what changes, in a profile section too: every field is optional. Creating a profile "
        f"needs its required fields: the trainee profile {_needed_to_create(TraineeProfileSerializer)}; the mentor "
        f"profile {_needed_to_create(MentorProfileSerializer)}. All of it is saved, or nothing is.",
        request=MeSerializer,
        examples=[_PATCH_SECTION_EXAMPLE, _PATCH_EXAMPLE],
        parameters=[IF_MATCH, etag_header()],
        responses={
            412: CHANGED_SINCE_READ,
            200: MeSerializer,
            400: OpenApiResponse(
                description="A field is not valid; `fields` names it, nested under its section "
                '(e.g. `{"mentor_profile": {"capacity": [...]}}`). Nothing was saved.'
            ),
        },
    )
    def patch(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = MeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        held = {"trainee_profile": trainee_profile_of(user=user), "mentor_profile": mentor_profile_of(user=user)}
        # null is what GET shows for a section the person does not hold: sent back, it changes nothing. For a
        # section they hold it would mean "remove it", which the API does not do.
        if any(name in data and data[name] is None and held[name] is not None for name in held):
            raise serializers.ValidationError({"non_field_errors": ["A profile cannot be removed through the API."]})
        try:
            person_update(
                user=user,
                user_data={"full_name": data["full_name"]} if "full_name" in data else None,
                trainee_data=data.get("trainee_profile"),
                mentor_data=data.get("mentor_profile"),
                expected_versions=if_match(request),
            )
        except ProfileSectionInvalid as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            raise serializers.ValidationError(fields if error.section == "user" else {error.section: fields}) from error
        user.refresh_from_db()
        return _respond(user)


def _respond(user: User) -> Response:
    return Response(MeSerializer(_me(user)).data, headers={"ETag": etag(person_version(user))})
