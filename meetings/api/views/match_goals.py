"""The goals a session log of a match may name: `GET /api/v1/matches/{match_id}/goals/`. Served by the meetings
app, which sits above matching: the list exists for session logs, whose `goals` take these ids."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matching.models import Match
from meetings import selectors
from meetings.api.session_serializers import MatchGoalSerializer
from meetings.api.views.common import E401, E404
from mentorship.api_query import KnownQueryParametersOnly
from profiles.access import signed_in_user


class MatchGoalListAPI(KnownQueryParametersOnly, APIView):
    @extend_schema(
        tags=["session logs"],
        summary="The trainee's goals a session log of this match can record progress on",
        description="For the match's mentor and its trainee: the goals the session log form offers (the trainee's, "
        "dropped ones left out; once the match has ended, only those she had by its end), with their progress now. "
        "Name them in a session log's `goals`. Empty while the match waits for a decision. Anyone else's match, a "
        "request declined, cancelled or expired to its mentor included, is 404.",
        responses={200: MatchGoalSerializer(many=True), 401: E401, 404: E404},
    )
    def get(self, request: Request, match_id: int) -> Response:
        try:
            match = selectors.match_for(user=signed_in_user(request), pk=match_id)
        except Match.DoesNotExist:
            raise NotFound("No such match among yours.") from None
        return Response(MatchGoalSerializer(selectors.goals_for_log_form(match=match), many=True).data)
