"""Content negotiation for the API: `?format=` naming a type the API does not answer in is 406, as the `Accept`
header is.

DRF answers an unknown `?format=` with 404, which tells a client that an existing URL is missing. A format
suffix in the path (`/meetings/1.xml/`, which the routers also match) keeps DRF's 404: that URL does not exist.
Its own module: DRF imports the negotiation class while it builds APIView, so it cannot live in mentorship.api
(which imports DRF's views).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, negotiation


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    def select_renderer(self, request: Any, renderers: Any, format_suffix: str | None = None) -> Any:
        wanted = None if format_suffix else request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted and not any(renderer.format == wanted for renderer in renderers):
            # Most operations answer in JSON; a meeting's .ics in `text/calendar` only.
            usual = renderers[0].format.upper() if renderers else "JSON"
            raise exceptions.NotAcceptable(f"This does not answer in {wanted!r}; leave ?format= out for {usual}.")
        return super().select_renderer(request, renderers, format_suffix)
