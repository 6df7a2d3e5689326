"""Showing a meeting's time in a given person's own time zone (pages and e-mails alike)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.template.defaultfilters import pluralize

from matching.models import Match
from matching.scoring.wording import hours_and_minutes
from meetings.models import Meeting
from meetings.people import other_side, time_zone_for
from meetings.selectors import FollowUp, follow_up

register = template.Library()


@register.filter
def local_time(meeting: Meeting, user: Any) -> str:
    """“Tue 3 Dec 2026, 14:00 (America/Chicago)” for `user`."""
    if not isinstance(meeting, Meeting):
        return ""
    return wall_clock(meeting.start, time_zone_for(meeting.match, user))


def wall_clock(instant: datetime, zone: ZoneInfo) -> str:
    """“Tue 3 Dec 2026, 14:00 (America/Chicago)”: `instant` as read in `zone`, its day included (someone else's
    day is often not the reader's), and which of two in the hour the clocks repeat."""
    local = instant.astimezone(zone)
    return f"{local:%a %-d %b %Y, %H:%M} ({zone.key}{_which_of_two(instant, local)})"


@register.filter
def their_local_time(meeting: Meeting, user: Any) -> str:
    """“That is 02:30 on Wed 4 Dec for Priya Shah (Asia/Kolkata).”: the meeting's start as the other person of
    `user`'s match reads it, so nobody proposes a time in the middle of the other's night unawares. Only their
    name (shown on the same page) and their zone are said."""
    if not isinstance(meeting, Meeting):
        return ""
    other = other_side(meeting.match, user)
    zone = other.zone()
    local = meeting.start.astimezone(zone)
    return f"That is {local:%H:%M} on {local:%a %-d %b} for {other} ({zone.key}{_which_of_two(meeting.start, local)})."


def other_person_zone(match: Match, user: Any, *, now: datetime) -> str:
    """“Priya Shah is in Asia/Kolkata, 10 h 30 min ahead of you now.”: said next to the time being chosen, before
    there is a time to convert. The gap is `now`'s: a clock change before the meeting can move it by an hour."""
    other = other_side(match, user)
    mine, theirs = time_zone_for(match, user), other.zone()
    if mine.key == theirs.key:
        return f"{other} is in your time zone too."
    gap = _offset(now, theirs) - _offset(now, mine)
    if not gap:
        return f"{other} is in {theirs.key}, the same time as you now."
    direction = "ahead of" if gap > timedelta(0) else "behind"
    amount = hours_and_minutes(abs(int(gap.total_seconds())) // 60)
    return f"{other} is in {theirs.key}, {amount} {direction} you now."


def _offset(instant: datetime, zone: ZoneInfo) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def _which_of_two(instant: datetime, local: datetime) -> str:
    """For a wall-clock time that happens twice (the night the clocks go back: 01:30 in Los Angeles on 7 Nov 2027
    is 08:30 or 09:30 UTC), which of the two `instant` is, with its offset; "" for any other time."""
    first, second = local.replace(fold=0), local.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return ""
    # From the instant itself, not `local.fold`, which datetime subclasses (freezegun's) can drop.
    offset = local.replace(tzinfo=None) - instant.astimezone(UTC).replace(tzinfo=None)
    is_first = offset == first.utcoffset()
    sign, minutes = ("-" if offset < timedelta(0) else "+"), abs(int(offset.total_seconds())) // 60
    when = "before" if is_first else "after"
    return f", UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}, {when} the clocks go back"


@register.filter
def follow_up_for(meeting: Meeting, user: Any) -> FollowUp | None:
    """After an ended meeting (from `selectors.with_follow_up`): its log and `user`'s feedback, done or due."""
    return follow_up(meeting, user=user)


@register.filter
def local_iso(meeting: Meeting, user: Any) -> str:
    return meeting.start.astimezone(time_zone_for(meeting.match, user)).isoformat()


@register.filter
def local_end_time(meeting: Meeting, user: Any) -> str:
    """“14:45” for `user`: when a meeting under way ends, in their zone."""
    return f"{meeting.end.astimezone(time_zone_for(meeting.match, user)):%H:%M}"


@register.filter
def other_person(match: Match, user: Any) -> Any:
    """The other person of `user`'s match (a profile): its trainee for the mentor, its mentor for the trainee."""
    return other_side(match, user)


@register.filter
def ended_on(match: Match, user: Any) -> str:
    """“30 Nov 2026”: the day a match ended in `user`'s zone, the day the session-log rule counts up to."""
    if match.ended_at is None:
        return ""
    return f"{match.ended_at.astimezone(time_zone_for(match, user)):%-d %b %Y}"


@register.filter
def starts_in(meeting: Meeting, as_of: datetime | None) -> str:
    """“in 24 hours”, “in 1 hour”, “in 50 minutes”: how long from `as_of` until the meeting begins, in whole hours
    from 55 minutes on (a reminder sent within its minute still reads its lead time)."""
    if not isinstance(meeting, Meeting) or as_of is None:
        return ""
    minutes = max(1, round((meeting.start - as_of).total_seconds() / 60))
    if minutes < 55:
        return f"in {minutes} minute{pluralize(minutes)}"
    hours = max(1, round(minutes / 60))
    return f"in {hours} hour{pluralize(hours)}"
