"""Session logs (the mentor writes, the trainee reads the shared part) and my own feedback answers."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from meetings import selectors, services
from meetings.api.session_serializers import (
    FeedbackSerializer,
    FeedbackWriteSerializer,
    SessionLogEditSerializer,
    SessionLogMentorSerializer,
    SessionLogSerializer,
    SessionLogSharedSerializer,
    SessionLogWriteSerializer,
)
from meetings.api.views.common import E400, E401, E403, E404, E409, LOCATION_OF_EXISTING, my_matches, validated
from meetings.models import Feedback, SessionLog
from mentorship.api import etag, if_match
from mentorship.api_query import KnownQueryParametersOnly
from mentorship.api_schema import CHANGED_SINCE_READ, IF_MATCH, etag_header
from profiles.access import signed_in_user
from profiles.versions import saved_version


class SessionLogFilter(django_filters.FilterSet):
    match = django_filters.ModelChoiceFilter(queryset=my_matches, help_text="One of my matches.")

    class Meta:
        model = SessionLog
        fields = ("match",)


def _goal_updates(data: dict[str, Any]) -> list[services.GoalUpdate]:
    return [services.GoalUpdate(goal=g["goal"], progress=g["progress"], note=g["note"]) for g in data.get("goals", [])]


@extend_schema(tags=["session logs"])
class SessionLogViewSet(
    KnownQueryParametersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SessionLog]
):
    """The mentor of a match writes its logs; the trainee reads the shared part. Private notes appear only in the
    mentor's own responses."""

    filterset_class = SessionLogFilter
    ordering_fields = ("date",)

    def get_queryset(self) -> QuerySet[SessionLog]:
        if getattr(self, "swagger_fake_view", False):
            return SessionLog.objects.none()
        return selectors.session_logs_for(user=signed_in_user(self.request))

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return SessionLogSharedSerializer

    def _data(self, log: SessionLog) -> dict[str, Any]:
        serializer = SessionLogMentorSerializer if log.author_id == self.request.user.pk else SessionLogSharedSerializer
        return dict(serializer(log).data)

    @extend_schema(
        summary="Session logs of my matches (private notes only on my own)",
        responses={200: SessionLogSerializer(many=True), 401: E401},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([self._data(log) for log in page or []])

    def _respond(self, log: SessionLog, code: int = status.HTTP_200_OK) -> Response:
        """The log as its reader may see it, with its version (`ETag`) to send back as `If-Match` with an edit."""
        return Response(self._data(log), status=code, headers={"ETag": etag(saved_version(log))})

    @extend_schema(
        summary="One session log",
        parameters=[etag_header()],
        responses={200: SessionLogSerializer, 401: E401, 404: E404},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    @extend_schema(
        summary="Log a session (the mentor of the match only)",
        request=SessionLogWriteSerializer,
        parameters=[LOCATION_OF_EXISTING],
        responses={
            201: SessionLogSerializer,
            400: E400,
            401: E401,
            403: E403,
            409: OpenApiResponse(
                description="The current state forbids it (`meeting_state`: the meeting is not an accepted one of "
                "the match, has not begun, or has a log already). Or `session_already_logged`: this `submission` was "
                "sent before (a retry after a lost response); nothing new is saved, and `existing` (with `Location`) "
                "names the log the first sending wrote."
            ),
        },
    )
    def create(self, request: Request) -> Response:
        data = validated(SessionLogWriteSerializer(data=request.data, context=self.get_serializer_context()))
        match = data.get("match") or (data["meeting"].match if data.get("meeting") else None)
        if match is None:
            return Response(
                {
                    "error": {
                        "code": "invalid",
                        "message": "Name the match (or a meeting).",
                        "fields": {"match": ["Required."]},
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        log = services.session_log_create(
            match=match,
            by=signed_in_user(request),
            meeting=data.get("meeting"),
            date=data["date"],
            duration_minutes=data["duration_minutes"],
            topics=data.get("topics", []),
            goal_updates=_goal_updates(data),
            notes_shared=data["notes_shared"],
            notes_private=data["notes_private"],
            next_steps=data["next_steps"],
            submission=data.get("submission"),
        )
        return self._respond(self.get_queryset().get(pk=log.pk), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a session log (its mentor only); its match and meeting stay as they are",
        request=SessionLogEditSerializer,
        parameters=[IF_MATCH, etag_header()],
        responses={
            200: SessionLogSerializer,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            412: CHANGED_SINCE_READ,
        },
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        log = self.get_object()
        data = validated(SessionLogEditSerializer(data=request.data, context=self.get_serializer_context()))
        services.session_log_update(
            session_log=log,
            by=signed_in_user(request),
            date=data["date"],
            duration_minutes=data["duration_minutes"],
            topics=data.get("topics", []),
            goal_updates=_goal_updates(data),
            notes_shared=data["notes_shared"],
            notes_private=data["notes_private"],
            next_steps=data["next_steps"],
            expected_versions=if_match(request),
        )
        return self._respond(self.get_queryset().get(pk=log.pk))


@extend_schema(tags=["feedback"])
class FeedbackViewSet(KnownQueryParametersOnly, mixins.ListModelMixin, viewsets.GenericViewSet[Feedback]):
    serializer_class = FeedbackSerializer
    ordering_fields = ("created_at",)

    def get_queryset(self) -> QuerySet[Feedback]:
        if getattr(self, "swagger_fake_view", False):
            return Feedback.objects.none()
        return selectors.feedback_mine(user=signed_in_user(self.request))

    @extend_schema(summary="My own feedback answers", responses={200: FeedbackSerializer(many=True), 401: E401})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Give feedback on a meeting that has ended",
        request=FeedbackWriteSerializer,
        responses={201: FeedbackSerializer, 400: E400, 401: E401, 403: E403, 409: E409},
    )
    def create(self, request: Request) -> Response:
        data = validated(FeedbackWriteSerializer(data=request.data, context=self.get_serializer_context()))
        feedback = services.feedback_submit(by=signed_in_user(request), **data)
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)
