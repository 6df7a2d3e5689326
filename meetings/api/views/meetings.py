"""Meetings: list, read, propose, answer, move, cancel, and the .ics of one."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from meetings import selectors, services
from meetings.api.renderers import CalendarRenderer
from meetings.api.serializers import (
    MeetingAnswerSerializer,
    MeetingCancelSerializer,
    MeetingMoveSerializer,
    MeetingProposeSerializer,
    MeetingSerializer,
    ToDoSerializer,
)
from meetings.api.views.common import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E412_MEETING,
    LOCATION_OF_EXISTING,
    my_matches,
    validated,
)
from meetings.ics import CONTENT_TYPE, meeting_calendar
from meetings.models import Meeting
from meetings.people import local_to_utc, time_zone_for
from mentorship.api_query import KnownQueryParametersOnly
from mentorship.api_schema import ErrorSerializer
from mentorship.filters import OneOfFilter
from profiles.access import signed_in_user


class MeetingFilter(django_filters.FilterSet):
    status = OneOfFilter(choices=Meeting.Status.choices)
    match = django_filters.ModelChoiceFilter(queryset=my_matches, help_text="One of my matches.")

    class Meta:
        model = Meeting
        fields = ("status", "match")


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
        user = signed_in_user(self.request)
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
        todo = selectors.to_do_for(user=signed_in_user(request))
        return Response(ToDoSerializer(todo, context=self.get_serializer_context()).data)

    @extend_schema(summary="One of my meetings", responses={200: MeetingSerializer, 401: E401, 404: E404})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Propose a meeting to the other person of an approved match",
        request=MeetingProposeSerializer,
        parameters=[LOCATION_OF_EXISTING],
        responses={
            201: MeetingSerializer,
            400: E400,
            401: E401,
            403: E403,
            409: OpenApiResponse(
                description="The current state forbids it: match not approved, overlap, too many proposals, the "
                "other person has left (`other_person_left`: their account is deactivated; a coordinator will end the "
                "match). Or `meeting_already_proposed`: this very proposal of yours is live already (the same sent "
                "again after a lost response); nothing new is saved, and `existing` (with `Location`) names that "
                "meeting."
            ),
        },
    )
    def create(self, request: Request) -> Response:
        data = validated(MeetingProposeSerializer(data=request.data, context=self.get_serializer_context()))
        match = data.pop("match")
        start = local_to_utc(data.pop("start"), time_zone_for(match, request.user))
        meeting = services.meeting_propose(match=match, by=signed_in_user(request), start=start, **data)
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
        data = validated(MeetingAnswerSerializer(data=request.data))
        return self._respond(
            services.meeting_accept(
                meeting=meeting,
                by=signed_in_user(request),
                seen_sequence=data.get("sequence"),
                seen_status=data.get("status"),
            )
        )

    @extend_schema(
        summary="Suggest another time for the other person's proposal",
        description="Send the `sequence` (and `status`) of the meeting you showed: a time moved since, or a proposal "
        "accepted since, is not overwritten (412).",
        request=MeetingMoveSerializer,
        responses={200: MeetingSerializer, 400: E400, 401: E401, 404: E404, 409: E409, 412: E412_MEETING},
    )
    @action(detail=True, methods=["post"])
    def suggest(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, suggest=True)

    @extend_schema(
        summary="Move a meeting (reminders follow the new time)",
        description="Send the `sequence` (and `status`) of the meeting you showed: a time moved since, or a proposal "
        "accepted since, is not overwritten (412).",
        request=MeetingMoveSerializer,
        responses={200: MeetingSerializer, 400: E400, 401: E401, 404: E404, 409: E409, 412: E412_MEETING},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, suggest=False)

    def _move(self, request: Request, *, suggest: bool) -> Response:
        meeting = self.get_object()
        data = validated(MeetingMoveSerializer(data=request.data))
        # As the page's form: a meeting in the hour the clocks repeat keeps which of the two it is when only its
        # length changes (the time sent without an offset names both).
        start = local_to_utc(data["start"], time_zone_for(meeting.match, request.user), keeping=meeting.start)
        move = services.meeting_suggest_time if suggest else services.meeting_reschedule
        return self._respond(
            move(
                meeting=meeting,
                by=signed_in_user(request),
                start=start,
                duration_minutes=data.get("duration_minutes"),
                seen_sequence=data.get("sequence"),
                seen_status=data.get("status"),
            )
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
        data = validated(MeetingCancelSerializer(data=request.data))
        cancelled = services.meeting_cancel(
            meeting=meeting,
            by=signed_in_user(request),
            reason=data["reason"],
            seen_sequence=data.get("sequence"),
            seen_status=data.get("status"),
        )
        return self._respond(cancelled)

    @extend_schema(
        summary="The meeting as an iCalendar invitation",
        description="The only type this answers in is `text/calendar` (`Accept: text/calendar`, `*/*`, none, or "
        "`?format=ics`); an `Accept` without it (`application/json` alone) is 406. Errors are JSON as everywhere.",
        responses={
            (200, CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The meeting's .ics file."),
            401: E401,
            404: E404,
            (406, "application/json"): OpenApiResponse(
                ErrorSerializer,
                description="The `Accept` header (or `?format=`) allows no `text/calendar` (code `not_acceptable`).",
            ),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[CalendarRenderer])
    def ics(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        disposition = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return Response(meeting_calendar(meeting), headers={"Content-Disposition": disposition})

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # The .ics's refusals (401, 404, the 406 of an Accept it cannot meet) are the API's JSON error body, not
        # a calendar: DRF would render them with the calendar renderer, the only one the action has.
        if self.action == "ics" and isinstance(response, Response) and response.exception:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
