from __future__ import annotations

from rest_framework import authentication, permissions
from rest_framework.views import APIView

from mentorship.api_query import KnownQueryParametersOnly


class SignedInAPI(KnownQueryParametersOnly, APIView):
    """Any signed-in person, and only the query parameters the operation takes. Token is listed first so an
    anonymous call gets 401 with a challenge, not 403."""

    authentication_classes = [authentication.TokenAuthentication, authentication.SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]
