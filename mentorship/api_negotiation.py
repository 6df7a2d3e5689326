"""Content negotiation for the API: `?format=` naming a type the API does not answer in is 406, as the `Accept`
header is.

DRF answers an unknown `?format=` with 404, which tells a client that an existing URL is missing. Its own module:
DRF imports the negotiation class while it builds APIView, so it cannot live in mentorship.api (which imports
DRF's views).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, negotiation


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    def filter_renderers(self, renderers: Any, format: str) -> Any:
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise exceptions.NotAcceptable(f"The API does not answer in {format!r}; leave ?format= out for JSON.")
        return matching
