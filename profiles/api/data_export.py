"""GET /api/v1/me/data/: everything the system holds about me, the document the profile page's download holds."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.api_schema import ErrorSerializer
from profiles.access import signed_in_user
from profiles.api.auth import SignedInAPI
from profiles.data_export import DATA_EXPORTS_PER_HOUR, DataExportSerializer, data_export_for


class MyDataView(SignedInAPI):
    @extend_schema(
        operation_id="me_data_retrieve",
        tags=["me"],
        summary="Download my data: everything held about me",
        description="The right of access: the account (never the password or the token), both profiles, goals and "
        "the progress logged on them, programs, shortlist, invitations, requests and matches with the history "
        "entries you may read, meetings, session logs (private notes only on the ones you wrote), feedback (the "
        "other person's once the meeting page shows it), your check-in answers and the messages sent to you. Each "
        "section holds what the pages show you, and no more. The same document as *Download my data* on your "
        f"profile page; the two together may be taken {DATA_EXPORTS_PER_HOUR} times an hour.",
        responses={
            200: DataExportSerializer,
            429: OpenApiResponse(
                ErrorSerializer,
                description=f"Taken {DATA_EXPORTS_PER_HOUR} times within the hour already (`data_export_too_often`; "
                "no `Retry-After`): try again in an hour.",
            ),
        },
    )
    def get(self, request: Request) -> Response:
        response = Response(data_export_for(user=signed_in_user(request)))
        response["Cache-Control"] = "private, no-store"
        return response
