"""Showing a meeting's time in a given person's own time zone (pages and e-mails alike), and what waits on the
signed-in person (the home page)."""

from __future__ import annotations

from typing import Any

from django import template

from meetings.models import Meeting
from meetings.people import time_zone_for
from meetings.selectors import ToDo, to_do_for

register = template.Library()


@register.filter
def local_time(meeting: Meeting, user: Any) -> str:
    """“Tue 3 Dec 2026, 14:00 (America/Chicago)” for `user`."""
    if not isinstance(meeting, Meeting):
        return ""
    zone = time_zone_for(meeting.match, user)
    local = meeting.start.astimezone(zone)
    return f"{local:%a %-d %b %Y, %H:%M} ({zone.key})"


@register.filter
def local_iso(meeting: Meeting, user: Any) -> str:
    return meeting.start.astimezone(time_zone_for(meeting.match, user)).isoformat()


@register.simple_tag(takes_context=True)
def my_to_do(context: dict[str, Any]) -> ToDo:
    """`{% my_to_do as todo %}`: the next meeting and what waits on the signed-in person in their matches."""
    return to_do_for(user=context["request"].user)
