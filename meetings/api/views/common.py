"""What the meetings API's views share: the documented error responses, the caller and the matches it may name."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from matching.models import Match
from meetings import selectors
from profiles.access import signed_in_user

E400 = OpenApiResponse(description="Invalid input, or a refusal such as a time in the past (error.code says which).")
E401 = OpenApiResponse(description="Not signed in.")
E403 = OpenApiResponse(description="You are not in this match, or only the mentor may do this.")
E404 = OpenApiResponse(description="Not one of yours.")
E409 = OpenApiResponse(
    description="The current state forbids it: match not approved, overlap, already answered, or the other person "
    "has left (`other_person_left`: their account is deactivated; a coordinator will end the match)."
)
#: A create sent again after a lost response: the error's `existing` and `Location` name the first sending's object.
LOCATION_OF_EXISTING = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[409],
    description="Only with `existing` in the body: the address of what the first sending created.",
)
E412_MEETING = OpenApiResponse(
    description="`sequence` names a version of the meeting that is no longer current: it was moved or cancelled "
    "since it was read (code `changed_since_read`); nothing was changed. Read it again and answer the time it has now."
)


def my_matches(request: Request | None) -> QuerySet[Match]:
    """The matches `?match=` may name: the caller's own. Someone else's is then refused exactly like an id that
    does not exist, instead of answering an empty list that tells the two apart."""
    if request is None or not request.user.is_authenticated:
        return Match.objects.none()
    return selectors.matches_for(user=signed_in_user(request))


def validated(serializer: BaseSerializer[Any]) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
