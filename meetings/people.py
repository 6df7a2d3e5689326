"""Who someone is in a match (mentor, trainee or nobody) and which time zone they see times in."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Literal

from django.utils import timezone

from matching.models import Match
from mentorship.errors import ApplicationError
from profiles.models import MentorProfile, TraineeProfile, User

Role = Literal["mentor", "trainee"]


def role_in(match: Match, user: User | object) -> Role | None:
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return None
    if match.mentor.user_id == user_id:
        return "mentor"
    if match.trainee.user_id == user_id:
        return "trainee"
    return None


def other_side(match: Match, user: User | object) -> MentorProfile | TraineeProfile:
    """The profile of the other person in the match: the trainee for its mentor, the mentor for anyone else."""
    return match.trainee if role_in(match, user) == "mentor" else match.mentor


def participants(match: Match) -> tuple[User, User]:
    """(mentor user, trainee user)."""
    return match.mentor.user, match.trainee.user


def time_zone_for(match: Match, user: User | object) -> zoneinfo.ZoneInfo:
    """A person's zone as set on the profile they hold in this match (someone can be mentor and trainee)."""
    role = role_in(match, user)
    profile = match.mentor if role == "mentor" else match.trainee
    return profile.zone()


def local_to_utc(naive: datetime, zone: zoneinfo.ZoneInfo, *, keeping: datetime | None = None) -> datetime:
    """A wall-clock time typed by a person, read in their zone. An already-aware value keeps its offset.

    `keeping`: the meeting's start as it is. Typed back unchanged (the Move form starts from it), it stays that
    instant even in the hour the clocks repeat: the person's pages name which of the two it is, and refusing it
    left a meeting at the second 01:30 impossible to lengthen without also moving it."""
    if keeping is not None and not timezone.is_aware(naive) and keeping.astimezone(zone).replace(tzinfo=None) == naive:
        return keeping.astimezone(zoneinfo.ZoneInfo("UTC"))
    aware = naive if timezone.is_aware(naive) else naive.replace(tzinfo=zone)
    if aware is not naive and _skipped(naive, zone):
        raise ApplicationError(
            f"{naive:%H:%M} does not exist on {naive:%-d %b %Y} in {zone.key}: the clocks go forward then. "
            "Choose another time.",
            code="invalid",
            fields={"start": ["Not a time on that day."]},
        )
    if aware is not naive and _repeated(naive, zone):
        raise ApplicationError(
            f"{naive:%H:%M} happens twice on {naive:%-d %b %Y} in {zone.key}: the clocks go back then. "
            "Choose a time outside the repeated hour, so nobody turns up an hour early or late.",
            code="invalid",
            fields={"start": ["Happens twice on that day."]},
        )
    try:
        return aware.astimezone(zoneinfo.ZoneInfo("UTC"))
    except OverflowError:  # the last hours of the year 9999 have no UTC
        raise ApplicationError(
            "That date is out of range.", code="invalid", fields={"start": ["Out of range."]}
        ) from None


def _skipped(naive: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether a wall-clock time falls in the hour the clocks skip (02:30 on a spring-forward night): it then
    comes back from UTC as another time."""
    try:
        there = naive.replace(tzinfo=zone).astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    except OverflowError:
        return False  # out of range: the caller says so
    return there.replace(tzinfo=None) != naive


def _repeated(naive: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether a wall-clock time falls in the hour the clocks repeat (01:30 on a fall-back night): its first and
    second occurrences have different offsets."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    return first.utcoffset() != second.utcoffset()
