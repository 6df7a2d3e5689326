"""My goals: /api/v1/goals/ and /api/v1/goals/{id}/. Only the caller's own goals exist here (anyone else's: 404)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.api import IdField, KnownFieldsOnly, etag, if_match
from mentorship.api_schema import CHANGED_SINCE_READ, IF_MATCH, etag_header
from mentorship.filters import OneOfFilter
from profiles.access import signed_in_user
from profiles.api.auth import SignedInAPI
from profiles.models import FocusArea, Goal
from profiles.selectors import goal_list_for
from profiles.services import goal_create, goal_delete, goal_update
from profiles.versions import goal_version


class GoalSerializer(KnownFieldsOnly, serializers.ModelSerializer):
    focus_area = IdField(queryset=FocusArea.objects.all(), allow_null=True, required=False)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False, help_text="Per cent, 0–100.")
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = (
            "id",
            "title",
            "focus_area",
            "description",
            "target_date",
            "status",
            "progress",
            "is_overdue",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")

    def get_is_overdue(self, goal: Goal) -> bool:
        return goal.is_overdue()


def _field_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )


_BAD_GOAL = OpenApiResponse(
    description="A field is not valid (e.g. a target date in the past, progress above 100); nothing was saved."
)
_NO_TRAINEE_PROFILE = OpenApiResponse(
    description="The caller has no trainee profile yet (code `no_trainee_profile`): goals belong to it."
)
_NOT_MINE = OpenApiResponse(description="No such goal among the caller's own (code `not_found`).")


class GoalFilter(django_filters.FilterSet):
    status = OneOfFilter(choices=Goal.Status.choices)

    class Meta:
        model = Goal
        fields = ("status",)


@extend_schema_view(
    get=extend_schema(tags=["goals"], summary="My goals"),
    post=extend_schema(
        tags=["goals"],
        summary="Add a goal to my development plan",
        parameters=[etag_header(201)],
        responses={201: GoalSerializer, 400: _BAD_GOAL, 409: _NO_TRAINEE_PROFILE},
    ),
)
class GoalList(SignedInAPI, generics.ListCreateAPIView):
    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    ordering_fields = ("target_date", "created_at", "updated_at")

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Goal.objects.none()
        return goal_list_for(user=signed_in_user(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            goal = goal_create(user=signed_in_user(request), data=serializer.validated_data)
        except DjangoValidationError as error:
            raise _field_errors(error) from error
        return Response(
            GoalSerializer(goal).data, status=status.HTTP_201_CREATED, headers={"ETag": etag(goal_version(goal))}
        )


@extend_schema_view(
    get=extend_schema(
        tags=["goals"],
        summary="One of my goals",
        parameters=[etag_header()],
        responses={200: GoalSerializer, 404: _NOT_MINE},
    ),
    patch=extend_schema(
        tags=["goals"],
        summary="Change one of my goals",
        parameters=[IF_MATCH, etag_header()],
        responses={200: GoalSerializer, 400: _BAD_GOAL, 404: _NOT_MINE, 412: CHANGED_SINCE_READ},
    ),
    delete=extend_schema(
        tags=["goals"],
        summary="Delete one of my goals",
        parameters=[IF_MATCH],
        responses={
            204: OpenApiResponse(description="Deleted."),
            404: _NOT_MINE,
            409: OpenApiResponse(
                description="A mentor's session log records progress on this goal (code `goal_in_session_log`): it "
                "stays, since deleting it would erase that from the log. Set its `status` to `dropped` instead."
            ),
            412: CHANGED_SINCE_READ,
        },
    ),
)
class GoalDetail(SignedInAPI, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = GoalSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        return goal_list_for(user=signed_in_user(self.request))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        return Response(GoalSerializer(goal).data, headers={"ETag": etag(goal_version(goal))})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        serializer = self.get_serializer(goal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            goal = goal_update(
                goal=goal,
                user=signed_in_user(request),
                data=serializer.validated_data,
                expected_versions=if_match(request),
            )
        except DjangoValidationError as error:
            raise _field_errors(error) from error
        return Response(GoalSerializer(goal).data, headers={"ETag": etag(goal_version(goal))})

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal_delete(goal=self.get_object(), user=signed_in_user(request), expected_versions=if_match(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
