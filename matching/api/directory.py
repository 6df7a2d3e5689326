"""The directory side of the API: mentors ranked for the caller, the shortlist, and match requests.

Ranking and every rule live in the selectors and services; these views only translate HTTP.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.utils.urls import replace_query_param

from matching.api.directory_serializers import (
    DirectoryPageSerializer,
    MentorDetailSerializer,
    RequestCreateSerializer,
    RequestSerializer,
    ShortlistAddSerializer,
    ShortlistEntrySerializer,
    ShortlistRankSerializer,
)
from matching.filters import MEETING_FORMAT_BITS
from matching.selectors import (
    mentor_detail_for,
    mentor_directory_for,
    own_request,
    requests_for,
    shortlist_of,
    trainee_profile_of,
)
from matching.services.requests import match_cancel, match_request
from matching.services.shortlist import shortlist_add, shortlist_rank, shortlist_remove
from mentorship.api_pagination import PAGE_DESCRIPTION, PAGE_SCHEMA, page_number
from mentorship.errors import Conflict
from profiles.access import signed_in_user
from profiles.api.auth import SignedInAPI
from profiles.models import CareerStage, MentorProfile, TraineeProfile

TAGS = ["directory"]
UNAUTHENTICATED = OpenApiResponse(description="Not signed in (code `not_authenticated`).")
NO_TRAINEE_PROFILE = OpenApiResponse(
    description="The caller has no trainee profile yet (code `no_trainee_profile`); nothing was saved."
)
PAGE_NOT_FOUND = OpenApiResponse(description="No such page of results (code `not_found`).")
NOT_FOUND = OpenApiResponse(description="No such object among the caller's own (code `not_found`).")
BAD_FILTERS = OpenApiResponse(description="A filter value is not valid; `fields` names it.")


class NoTraineeProfile(Conflict):
    code = "no_trainee_profile"


def _trainee(request: Request) -> TraineeProfile:
    trainee = trainee_profile_of(signed_in_user(request))
    if trainee is None:
        raise NoTraineeProfile("Fill in your trainee profile first.")
    return trainee


FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words to find in the name, bio or institution."),
    OpenApiParameter("specialty", OpenApiTypes.INT, description="Specialty id; includes its sub-specialties."),
    OpenApiParameter("focus_area", OpenApiTypes.INT, description="Focus-area id the mentor offers."),
    OpenApiParameter(
        "career_stage",
        OpenApiTypes.INT,
        enum=CareerStage.values,
        description="Mentors at this career stage (as in /api/v1/career-stages/): "
        + ", ".join(f"{value} {label}" for value, label in CareerStage.choices)
        + ".",
    ),
    OpenApiParameter("language", OpenApiTypes.INT, description="Language id the mentor speaks."),
    OpenApiParameter(
        "meeting_format",
        OpenApiTypes.STR,
        enum=list(MEETING_FORMAT_BITS),
        description="Mentors who meet this way; the names a profile's `meeting_formats` holds. (The numbers 1, 2 and "
        "4 of earlier clients are still taken.)",
    ),
    OpenApiParameter("max_hours_apart", OpenApiTypes.NUMBER, description="At most this many hours from my zone."),
    OpenApiParameter("has_free_place", OpenApiTypes.BOOL, description="Only mentors with a free place."),
    OpenApiParameter("page", PAGE_SCHEMA, description=PAGE_DESCRIPTION),
]


class MentorListAPI(SignedInAPI):
    query_parameters = [parameter.name for parameter in FILTER_PARAMETERS]  # the selector reads them itself

    @extend_schema(
        tags=TAGS,
        operation_id="directory_mentors_list",
        summary="Mentors ranked for me",
        description="Accepting mentors, best match first for the caller's trainee profile (alphabetical and "
        "unscored without one). Mentors a hard rule excludes for the caller are not listed.",
        parameters=FILTER_PARAMETERS,
        responses={200: DirectoryPageSerializer, 400: BAD_FILTERS, 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        try:
            directory = mentor_directory_for(
                user=signed_in_user(request),
                filters=request.query_params,
                page=page_number(request.query_params),
                strict_page=True,
            )
        except InvalidPage as error:
            raise NotFound(f"Invalid page: {error}") from error
        if directory.errors:
            raise serializers.ValidationError(directory.errors)
        url = request.build_absolute_uri()
        page = directory.page
        data = {
            "count": directory.total,
            "ranked": directory.ranked,
            "next": replace_query_param(url, "page", page.next_page_number()) if page.has_next() else None,
            "previous": replace_query_param(url, "page", page.previous_page_number()) if page.has_previous() else None,
            "results": directory.cards,
        }
        return Response(DirectoryPageSerializer(data).data)


class MentorDetailAPI(SignedInAPI):
    @extend_schema(
        tags=TAGS,
        operation_id="directory_mentors_retrieve",
        summary="One mentor, with the whole score breakdown for me",
        responses={200: MentorDetailSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, mentor_id: int) -> Response:
        detail = mentor_detail_for(user=signed_in_user(request), mentor_id=mentor_id)
        return Response(MentorDetailSerializer(detail).data)


class ShortlistAPI(SignedInAPI):
    @extend_schema(
        tags=TAGS,
        operation_id="directory_shortlist_list",
        summary="My shortlist",
        responses={200: ShortlistEntrySerializer(many=True), 401: UNAUTHENTICATED, 409: NO_TRAINEE_PROFILE},
    )
    def get(self, request: Request) -> Response:
        return Response(ShortlistEntrySerializer(shortlist_of(trainee=_trainee(request)), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="directory_shortlist_add",
        summary="Star a mentor",
        request=ShortlistAddSerializer,
        responses={
            201: ShortlistEntrySerializer,
            400: OpenApiResponse(description="Unknown mentor, yourself, or a full shortlist; nothing was saved."),
            401: UNAUTHENTICATED,
            409: NO_TRAINEE_PROFILE,
        },
    )
    def post(self, request: Request) -> Response:
        trainee = _trainee(request)
        serializer = ShortlistAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = shortlist_add(trainee=trainee, mentor=serializer.validated_data["mentor"])
        return Response(ShortlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class ShortlistEntryAPI(SignedInAPI):
    @extend_schema(
        tags=TAGS,
        operation_id="directory_shortlist_remove",
        summary="Unstar a mentor",
        responses={
            204: OpenApiResponse(description="Removed (or was not there)."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: NO_TRAINEE_PROFILE,
        },
    )
    def delete(self, request: Request, mentor_id: int) -> Response:
        trainee = _trainee(request)
        shortlist_remove(trainee=trainee, mentor=get_object_or_404(MentorProfile, pk=mentor_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistRankAPI(SignedInAPI):
    @extend_schema(
        tags=TAGS,
        operation_id="directory_shortlist_rank",
        summary="Order my top three",
        description="`mentor_ids` in order (first = rank 1), at most three, each already starred. Every other "
        "entry loses its rank; an empty list clears the ranking.",
        request=ShortlistRankSerializer,
        responses={
            200: ShortlistEntrySerializer(many=True),
            400: OpenApiResponse(description="More than three, duplicates, or an unstarred mentor; nothing changed."),
            401: UNAUTHENTICATED,
            409: NO_TRAINEE_PROFILE,
        },
    )
    def put(self, request: Request) -> Response:
        trainee = _trainee(request)
        serializer = ShortlistRankSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entries = shortlist_rank(trainee=trainee, mentor_ids=serializer.validated_data["mentor_ids"])
        return Response(ShortlistEntrySerializer(entries, many=True).data)


class RequestListAPI(SignedInAPI):
    throttle_scope = "match_request"

    def get_throttles(self) -> list[BaseThrottle]:
        # Only creating a request is rate-limited; reading one's own list is not.
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=TAGS,
        operation_id="directory_requests_list",
        summary="My requests",
        responses={200: RequestSerializer(many=True), 401: UNAUTHENTICATED, 409: NO_TRAINEE_PROFILE},
    )
    def get(self, request: Request) -> Response:
        return Response(RequestSerializer(requests_for(trainee=_trainee(request)), many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="directory_requests_create",
        summary="Request a mentor",
        description="Creates a request (status `requested`) that a coordinator approves or declines.",
        request=RequestCreateSerializer,
        responses={
            201: RequestSerializer,
            400: OpenApiResponse(description="A field is missing or not valid, or you asked for yourself."),
            401: UNAUTHENTICATED,
            409: OpenApiResponse(
                description="Refused; nothing saved. `code`: `mentor_at_capacity`, `mentor_not_accepting`, "
                "`duplicate_request`, `too_many_requests`, `program_not_available`, `no_shared_language`, "
                "`mentor_not_ahead`, `mentor_assesses_trainee`, `time_zone_too_far`, `no_trainee_profile`, "
                "`trainee_already_matched` (you have a mentor in that program)."
            ),
            429: OpenApiResponse(description="Too many requests in a short time (code `throttled`)."),
        },
    )
    def post(self, request: Request) -> Response:
        trainee = _trainee(request)
        serializer = RequestCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        match = match_request(
            trainee=trainee, mentor=data["mentor"], program=data["program"], message=data.get("message", "")
        )
        return Response(RequestSerializer(match).data, status=status.HTTP_201_CREATED)


class RequestCancelAPI(SignedInAPI):
    @extend_schema(
        tags=TAGS,
        operation_id="directory_requests_cancel",
        summary="Cancel my open request",
        request=None,
        responses={
            200: RequestSerializer,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The request is no longer open (code `request_not_open`)."),
        },
    )
    def post(self, request: Request, match_id: int) -> Response:
        user = signed_in_user(request)
        match = match_cancel(match=own_request(user=user, match_id=match_id), by=user)
        return Response(RequestSerializer(match).data)


urlpatterns = [
    path("mentors/", MentorListAPI.as_view(), name="api-mentors"),
    path("mentors/<int:mentor_id>/", MentorDetailAPI.as_view(), name="api-mentors-detail"),
    path("shortlist/", ShortlistAPI.as_view(), name="api-shortlist"),
    path("shortlist/ranking/", ShortlistRankAPI.as_view(), name="api-shortlist-rank"),
    path("shortlist/<int:mentor_id>/", ShortlistEntryAPI.as_view(), name="api-shortlist-entry"),
    path("requests/", RequestListAPI.as_view(), name="api-requests"),
    path("requests/<int:match_id>/cancel/", RequestCancelAPI.as_view(), name="api-requests-cancel"),
]
