from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from matching.models import Match
from meetings import selectors, services
from meetings.api.serializers import (
    FeedbackSerializer,
    FeedbackWriteSerializer,
    MeetingAnswerSerializer,
    MeetingCancelSerializer,
    MeetingProposeSerializer,
    MeetingSerializer,
    MeetingTimeSerializer,
    SessionLogEditSerializer,
    SessionLogMentorSerializer,
    SessionLogSerializer,
    SessionLogSharedSerializer,
    SessionLogWriteSerializer,
    ToDoSerializer,
)
from meetings.ics import CONTENT_TYPE, meeting_calendar
from meetings.models import Feedback, Meeting, SessionLog
from meetings.people import local_to_utc, time_zone_for
from mentorship.api import etag, if_match
from mentorship.api_query import KnownQueryParametersOnly
from mentorship.api_schema import CHANGED_SINCE_READ, IF_MATCH, etag_header
from mentorship.filters import OneOfFilter
from profiles.models import User
from profiles.versions import saved_version

E400 = OpenApiResponse(description="Invalid input, or a refusal such as a time in the past (error.code says which).")
E401 = OpenApiResponse(description="Not signed in.")
E403 = OpenApiResponse(description="You are not in this match, or only the mentor may do this.")
E404 = OpenApiResponse(description="Not one of yours.")
E409 = OpenApiResponse(description="The current state forbids it: match not approved, overlap, already answered.")
E412_MEETING = OpenApiResponse(
    description="`sequence` names a version of the meeting that is no longer current: it was moved or cancelled "
    "since it was read (code `changed_since_read`); nothing was changed. Read it again and answer the time it has now."
)


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _my_matches(request: Request | None) -> QuerySet[Match]:
    """The matches `?match=` may name: the caller's own. Someone else's is then refused exactly like an id that
    does not exist, instead of answering an empty list that tells the two apart."""
    if request is None or not request.user.is_authenticated:
        return Match.objects.none()
    return selectors.matches_for(user=_user(request))


class MeetingFilter(django_filters.FilterSet):
    status = OneOfFilter(choices=Meeting.Status.choices)
    match = django_filters.ModelChoiceFilter(queryset=_my_matches, help_text="One of my matches.")

    class Meta:
        model = Meeting
        fields = ("status", "match")


class SessionLogFilter(django_filters.FilterSet):
    match = django_filters.ModelChoiceFilter(queryset=_my_matches, help_text="One of my matches.")

    class Meta:
        model = SessionLog
        fields = ("match",)


@extend_schema(tags=["meetings"])
class MeetingViewSet(
    KnownQueryParametersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Meeting]
):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ("start",)

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        user = _user(self.request)
        return selectors.with_follow_up(selectors.meetings_for(user=user), user=user)

    def _respond(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        meeting = self.get_queryset().get(pk=meeting.pk)
        return Response(MeetingSerializer(meeting, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="My meetings (both sides of every match I am in)",
        responses={200: MeetingSerializer(many=True), 401: E401},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="What waits on me: next meeting, meetings to answer, first meetings, logs and feedback due",
        responses={200: ToDoSerializer, 401: E401},
    )
    @action(detail=False, methods=["get"], url_path="to-do", filter_backends=[], pagination_class=None)
    def to_do(self, request: Request) -> Response:
        todo = selectors.to_do_for(user=_user(request))
        return Response(ToDoSerializer(todo, context=self.get_serializer_context()).data)

    @extend_schema(summary="One of my meetings", responses={200: MeetingSerializer, 401: E401, 404: E404})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Propose a meeting to the other person of an approved match",
        request=MeetingProposeSerializer,
        responses={201: MeetingSerializer, 400: E400, 401: E401, 403: E403, 409: E409},
    )
    def create(self, request: Request) -> Response:
        data = _valid(MeetingProposeSerializer(data=request.data, context=self.get_serializer_context()))
        match = data.pop("match")
        start = local_to_utc(data.pop("start"), time_zone_for(match, request.user))
        meeting = services.meeting_propose(match=match, by=_user(request), start=start, **data)
        return self._respond(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept a time the other person proposed",
        description="Send the `sequence` (and `status`) of the meeting you showed: a time moved since is not accepted "
        "(412).",
        request=MeetingAnswerSerializer,
        responses={
            200: MeetingSerializer,
            400: OpenApiResponse(description="The proposed time has passed (code `meeting_in_past`): suggest another."),
            401: E401,
            404: E404,
            409: E409,
            412: E412_MEETING,
        },
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()  # someone else's meeting is 404 whatever the body says
        data = _valid(MeetingAnswerSerializer(data=request.data))
        return self._respond(
            services.meeting_accept(
                meeting=meeting, by=_user(request), seen_sequence=data.get("sequence"), seen_status=data.get("status")
            )
        )

    @extend_schema(
        summary="Suggest another time for the other person's proposal",
        request=MeetingTimeSerializer,
        responses={200: MeetingSerializer, 400: E400, 401: E401, 404: E404, 409: E409},
    )
    @action(detail=True, methods=["post"])
    def suggest(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, suggest=True)

    @extend_schema(
        summary="Move a meeting (reminders follow the new time)",
        request=MeetingTimeSerializer,
        responses={200: MeetingSerializer, 400: E400, 401: E401, 404: E404, 409: E409},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, suggest=False)

    def _move(self, request: Request, *, suggest: bool) -> Response:
        meeting = self.get_object()
        data = _valid(MeetingTimeSerializer(data=request.data))
        start = local_to_utc(data["start"], time_zone_for(meeting.match, request.user))
        move = services.meeting_suggest_time if suggest else services.meeting_reschedule
        return self._respond(
            move(meeting=meeting, by=_user(request), start=start, duration_minutes=data.get("duration_minutes"))
        )

    @extend_schema(
        summary="Cancel a meeting, or decline the other person's proposal (its pending reminders are cancelled)",
        description="Send the `sequence` and `status` of the meeting you showed: a time moved since, or a meeting "
        "accepted since, is not declined or cancelled (412).",
        request=MeetingCancelSerializer,
        responses={200: MeetingSerializer, 400: E400, 401: E401, 404: E404, 409: E409, 412: E412_MEETING},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()  # someone else's meeting is 404 whatever the body says
        data = _valid(MeetingCancelSerializer(data=request.data))
        cancelled = services.meeting_cancel(
            meeting=meeting,
            by=_user(request),
            reason=data["reason"],
            seen_sequence=data.get("sequence"),
            seen_status=data.get("status"),
        )
        return self._respond(cancelled)

    @extend_schema(
        summary="The meeting as an iCalendar invitation",
        responses={
            (200, CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="text/calendar"),
            401: E401,
            404: E404,
        },
    )
    @action(detail=True, methods=["get"])
    def ics(self, request: Request, pk: str | None = None) -> HttpResponse:
        meeting = self.get_object()
        response = HttpResponse(meeting_calendar(meeting), content_type=f"{CONTENT_TYPE}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


def _valid(serializer: BaseSerializer[Any]) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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
        return selectors.session_logs_for(user=_user(self.request))

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
        responses={201: SessionLogSerializer, 400: E400, 401: E401, 403: E403, 409: E409},
    )
    def create(self, request: Request) -> Response:
        data = _valid(SessionLogWriteSerializer(data=request.data, context=self.get_serializer_context()))
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
            by=_user(request),
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
        data = _valid(SessionLogEditSerializer(data=request.data, context=self.get_serializer_context()))
        services.session_log_update(
            session_log=log,
            by=_user(request),
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
        return selectors.feedback_mine(user=_user(self.request))

    @extend_schema(summary="My own feedback answers", responses={200: FeedbackSerializer(many=True), 401: E401})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Give feedback on a meeting that has ended",
        request=FeedbackWriteSerializer,
        responses={201: FeedbackSerializer, 400: E400, 401: E401, 403: E403, 409: E409},
    )
    def create(self, request: Request) -> Response:
        data = _valid(FeedbackWriteSerializer(data=request.data, context=self.get_serializer_context()))
        feedback = services.feedback_submit(by=_user(request), **data)
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)
