"""The one meeting API answer that is not JSON: the meeting as an iCalendar file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import renderers

from meetings.ics import CONTENT_TYPE


class CalendarRenderer(renderers.BaseRenderer):
    """`text/calendar` (`Accept: text/calendar`, or `?format=ics`): the view hands over the calendar's bytes."""

    media_type = CONTENT_TYPE
    format = "ics"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> Any:
        return data
