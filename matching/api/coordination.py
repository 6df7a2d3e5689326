"""The coordinators' side of the API: my matches (as trainee, mentor or coordinator), decisions, rounds.

The views and their URLs; the serializers and filters are in `matching.api.coordination_serializers`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matching.api.coordination_serializers import (
    DeclineReasonSerializer,
    EndReasonSerializer,
    MatchFilter,
    MatchSerializer,
    NoteSerializer,
    PersonSerializer,
    RoundFilter,
    RoundSerializer,
    RoundStartSerializer,
)
from matching.models import Match, MatchingRound
from matching.selectors.mentorship import match_list_with_summaries_for
from matching.selectors_coordination import coordinated_programs, match_list_for, round_list_for
from matching.services.decisions import match_approve, match_clear_at_risk, match_decline, match_end
from matching.services.rounds import round_start
from mentorship.api_query import KnownQueryParametersOnly
from mentorship.api_schema import ErrorSerializer
from profiles.access import signed_in_user

# PersonSerializer is imported from here by the meetings API.
__all__ = ["PersonSerializer", "urlpatterns"]

TAGS = ["coordination"]


def _refusal(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


DECISION_RESPONSES = {
    200: MatchSerializer,
    403: _refusal(
        "Not a coordinator of this match's program (code `not_program_coordinator`), or the coordinator is the "
        "match's mentor or trainee (code `conflict_of_interest`: another coordinator must decide it)."
    ),
    404: _refusal("No such match among yours (code `not_found`)."),
}


@extend_schema(tags=TAGS)
class MatchListView(KnownQueryParametersOnly, generics.ListAPIView[Match]):
    serializer_class = MatchSerializer
    filterset_class = MatchFilter
    ordering_fields = ("created_at", "score")

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        return match_list_with_summaries_for(user=signed_in_user(self.request))

    @extend_schema(
        summary="My matches: as trainee, as mentor, and every match of the programs I coordinate",
        responses={200: MatchSerializer(many=True)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class _DecisionView(KnownQueryParametersOnly, APIView):
    def match(self, request: Request, match_id: int) -> Match:
        return get_object_or_404(match_list_for(user=signed_in_user(request)), pk=match_id)


@extend_schema(tags=TAGS)
class MatchApproveView(_DecisionView):
    @extend_schema(
        summary="Approve a requested or proposed match (the mentor's capacity is re-checked under a lock)",
        request=None,
        responses={
            **DECISION_RESPONSES,
            409: _refusal(
                "Refused by the current state: `already_decided`, `mentor_at_capacity`, `mentor_not_accepting`, "
                "`trainee_already_matched`, `mentor_assesses_trainee`, `account_deactivated`, "
                "`program_not_available` (inactive, or someone no longer enrolled), or a hard rule that excludes the "
                "pair as the profiles and the program's settings are now (`no_shared_language`, `mentor_not_ahead`, "
                "`time_zone_too_far`)."
            ),
        },
    )
    def post(self, request: Request, match_id: int) -> Response:
        match = match_approve(match=self.match(request, match_id), by=signed_in_user(request))
        return Response(MatchSerializer(match, context={"request": request}).data)


@extend_schema(tags=TAGS)
class MatchDeclineView(_DecisionView):
    @extend_schema(
        summary="Decline a requested or proposed match, with a reason",
        request=DeclineReasonSerializer,
        responses={
            **DECISION_RESPONSES,
            400: _refusal("The reason is missing or blank (codes `invalid`, `reason_required`)."),
            409: _refusal(
                "The match is approved (code `already_approved`: end it instead, with `…/end/`), or was already "
                "declined, cancelled or ended (code `already_decided`)."
            ),
        },
    )
    def post(self, request: Request, match_id: int) -> Response:
        match = self.match(request, match_id)
        body = DeclineReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = match_decline(match=match, by=signed_in_user(request), reason=body.validated_data["reason"])
        return Response(MatchSerializer(match, context={"request": request}).data)


@extend_schema(tags=TAGS)
class MatchEndView(_DecisionView):
    @extend_schema(
        summary="End an approved match, with a reason (frees the mentor's place)",
        request=EndReasonSerializer,
        responses={
            **DECISION_RESPONSES,
            400: _refusal("The reason is missing or blank (codes `invalid`, `reason_required`)."),
            409: _refusal(
                "The match is not approved (code `match_not_active`); one still waiting for a decision can be "
                "declined instead."
            ),
        },
    )
    def post(self, request: Request, match_id: int) -> Response:
        match = self.match(request, match_id)
        body = EndReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = match_end(match=match, by=signed_in_user(request), reason=body.validated_data["reason"])
        return Response(MatchSerializer(match, context={"request": request}).data)


@extend_schema(tags=TAGS)
class MatchClearAtRiskView(_DecisionView):
    @extend_schema(
        summary="Clear a match's at-risk flag, with a note for its history",
        description="A flag for no first meeting or no sessions clears itself once its cause has gone; one "
        'from an answer ("not a good fit", a low check-in) stays until a coordinator clears it. Once cleared, the '
        "hourly run does not raise it again for the same cause at once (no sessions: two more idle periods).",
        request=NoteSerializer,
        responses={
            **DECISION_RESPONSES,
            400: _refusal("The note is missing or blank (codes `invalid`, `reason_required`)."),
            409: _refusal("The match is not flagged at risk (any more) (code `not_at_risk`)."),
        },
    )
    def post(self, request: Request, match_id: int) -> Response:
        match = self.match(request, match_id)
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = match_clear_at_risk(match=match, by=signed_in_user(request), note=body.validated_data["note"])
        return Response(MatchSerializer(match, context={"request": request}).data)


@extend_schema(tags=TAGS)
class RoundStartView(KnownQueryParametersOnly, APIView):
    @extend_schema(
        summary="Start a matching round for a program (runs in the background; poll the round)",
        request=RoundStartSerializer,
        responses={
            202: RoundSerializer,
            404: _refusal("No such program among those you coordinate (code `not_found`)."),
            409: _refusal(
                "A round of this program is already queued or running (code `round_already_running`), the "
                "program is not active (code `program_inactive`), or the round could propose nobody, the message "
                "saying why: no trainee to match (`no_trainees_to_match`: none takes part, or each has an approved "
                "mentor or a request waiting), no mentor (`no_mentors_enrolled`), or no mentor with a free place "
                "(`no_free_places`). Nothing is started or changed."
            ),
            503: _refusal(
                "The task queue could not be reached; the round is recorded as failed and can be started again "
                "(code `task_queue_unavailable`)."
            ),
        },
    )
    def post(self, request: Request, program_id: int) -> Response:
        # Someone else's program is 404 like an id nobody has: a 403 naming it would list every program's name.
        program = get_object_or_404(coordinated_programs(user=signed_in_user(request)), pk=program_id)
        body = RoundStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        matching_round = round_start(
            program=program, algorithm=body.validated_data["algorithm"], by=signed_in_user(request)
        )
        return Response(RoundSerializer(matching_round).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=TAGS)
class RoundListView(KnownQueryParametersOnly, generics.ListAPIView[MatchingRound]):
    serializer_class = RoundSerializer
    filterset_class = RoundFilter
    ordering_fields = ("created_at",)

    def get_queryset(self) -> QuerySet[MatchingRound]:
        if getattr(self, "swagger_fake_view", False):
            return MatchingRound.objects.none()
        return round_list_for(user=signed_in_user(self.request))

    @extend_schema(
        summary="The rounds of the programs I coordinate, newest first",
        responses={200: RoundSerializer(many=True)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


@extend_schema(tags=TAGS)
class RoundDetailView(KnownQueryParametersOnly, generics.RetrieveAPIView[MatchingRound]):
    serializer_class = RoundSerializer
    lookup_url_kwarg = "round_id"

    def get_queryset(self) -> QuerySet[MatchingRound]:
        if getattr(self, "swagger_fake_view", False):
            return MatchingRound.objects.none()
        return round_list_for(user=signed_in_user(self.request))

    @extend_schema(
        summary="A round's progress (stage, percent) and, when done, its quality report",
        responses={200: RoundSerializer, 404: _refusal("No such round among your programs' (code `not_found`).")},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("matches/", MatchListView.as_view(), name="api-matches"),
    path("matches/<int:match_id>/approve/", MatchApproveView.as_view(), name="api-match-approve"),
    path("matches/<int:match_id>/decline/", MatchDeclineView.as_view(), name="api-match-decline"),
    path("matches/<int:match_id>/end/", MatchEndView.as_view(), name="api-match-end"),
    path("matches/<int:match_id>/clear-at-risk/", MatchClearAtRiskView.as_view(), name="api-match-clear-at-risk"),
    path("programs/<int:program_id>/rounds/", RoundStartView.as_view(), name="api-program-rounds"),
    path("rounds/", RoundListView.as_view(), name="api-rounds"),
    path("rounds/<int:round_id>/", RoundDetailView.as_view(), name="api-round"),
]
