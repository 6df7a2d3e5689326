"""Coordinators enrol a cohort in a program: the API form of the admin's "Enrol from a list"."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matching.coordination.roster import MAX_ROWS, roster_from_lists
from matching.selectors_coordination import coordinated_programs
from matching.services.enrolment import program_enrol
from mentorship.api import KnownFieldsOnly
from mentorship.api_query import KnownQueryParametersOnly
from mentorship.api_schema import ErrorSerializer
from profiles.access import signed_in_user


def _emails(role: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=254),
        max_length=MAX_ROWS,
        default=list,
        help_text=f"E-mail addresses of people to enrol as {role}s (each needs an account with the address "
        f"confirmed and a {role} profile).",
    )


class EnrolmentRequestSerializer(KnownFieldsOnly):
    trainees = _emails("trainee")
    mentors = _emails("mentor")
    invite_missing = serializers.BooleanField(
        default=False,
        help_text="Invite people with no account, no confirmed e-mail address or no profile of their role yet "
        "(enrolled once they have it) instead of refusing the whole list.",
    )


class EnrolmentSerializer(serializers.Serializer):
    trainees_added = serializers.IntegerField()
    mentors_added = serializers.IntegerField()
    already_enrolled = serializers.IntegerField(help_text="Listed people who were enrolled already.")
    open_to_all = serializers.BooleanField(
        help_text="The program is open to everyone, so enrolment limits who takes part only once it is not."
    )
    invited = serializers.IntegerField(
        help_text="Listed people waiting for an account, a confirmed address or a profile (invite_missing)."
    )


@extend_schema(tags=["coordination"])
class ProgramEnrolView(KnownQueryParametersOnly, APIView):
    @extend_schema(
        summary="Enrol trainees and mentors in a program by e-mail (all or nothing)",
        request=EnrolmentRequestSerializer,
        responses={
            200: EnrolmentSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Nobody was enrolled: `fields` names each bad entry, e.g. `trainees[2]`, and says why "
                "(code `roster_invalid`), or the body is malformed (code `invalid`).",
            ),
            404: OpenApiResponse(
                ErrorSerializer, description="No such program among those you coordinate (code `not_found`)."
            ),
        },
    )
    def post(self, request: Request, program_id: int) -> Response:
        # Someone else's program is 404 like an id nobody has: a 403 naming it would list every program's name.
        program = get_object_or_404(coordinated_programs(user=signed_in_user(request)), pk=program_id)
        body = EnrolmentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        enrolment = program_enrol(
            program=program,
            roster=roster_from_lists(trainees=data["trainees"], mentors=data["mentors"]),
            by=signed_in_user(request),
            invite_missing=data["invite_missing"],
        )
        return Response(EnrolmentSerializer(enrolment).data)


urlpatterns = [
    path("programs/<int:program_id>/enrolments/", ProgramEnrolView.as_view(), name="api-program-enrolments"),
]
