"""Proposing a meeting: the first time, or a new one while others wait for an answer; the same form sent twice is
one proposal. One transaction each, with the outbox rows it implies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from matching.models import Match
from meetings.errors import (
    MeetingAlreadyProposed,
    TooManyProposals,
)
from meetings.models import Meeting
from meetings.people import other_side
from meetings.services.scheduling import (
    Format,
    announce_proposal,
    locked_match,
    only_the_used_detail,
    other,
    require_approved,
    require_details,
    require_free,
    require_future,
    require_participant,
    require_phone,
)
from profiles.models import User

#: Proposals one person may have waiting for the other's answer in a match. Each e-mails the other person and holds
#: that time in their calendar; without a limit one side could fill the other's weeks and bury their inbox.
MAX_WAITING_PROPOSALS = 3


def _require_few_waiting(match: Match, by: User) -> None:
    waiting = Meeting.objects.filter(
        match=match, proposed_by=by, status=Meeting.Status.PROPOSED, start__gt=timezone.now()
    ).count()
    if waiting >= MAX_WAITING_PROPOSALS:
        raise TooManyProposals(
            f"You have {waiting} proposals waiting for {other_side(match, by)}'s answer: wait for an answer, or "
            "cancel one, before proposing another time."
        )


@transaction.atomic
def meeting_propose(
    *,
    match: Match,
    by: User,
    start: datetime,
    duration_minutes: int,
    format: str,
    place: str = "",
    video_link: str = "",
    phone: str = "",
    agenda: str = "",
) -> Meeting:
    match = locked_match(match)
    require_participant(match, by)
    require_approved(match)
    require_future(start, timezone.now())
    require_details(duration_minutes=duration_minutes, format=format, place=place, video_link=video_link, phone=phone)
    place, video_link, phone = only_the_used_detail(format, place=place, video_link=video_link, phone=phone)
    if format == Format.PHONE:
        require_phone(phone)
    proposal = {
        "start": start,
        "duration_minutes": duration_minutes,
        "format": format,
        "place": place,
        "video_link": video_link,
        "phone": phone,
        "agenda": agenda,
    }
    _refuse_the_same_again(match, by, proposal)
    _require_few_waiting(match, by)  # under the match's lock: two racing proposals are counted one by one
    require_free(match, start, duration_minutes, by=by)
    meeting = Meeting.objects.create(match=match, proposed_by=by, **proposal)
    announce_proposal(meeting, to=other(match, by))
    return meeting


def _refuse_the_same_again(match: Match, by: User, proposal: dict[str, Any]) -> None:
    """A live proposal of `by`'s in this match saying exactly this is the same form sent again (a double click,
    Back and send again): without this check, the overlap check refused it as "You already have a meeting …",
    and the proposer took the proposal for one that failed. Checked under the match's lock, so a double click's
    two requests are decided one after the other. A proposal that differs in anything (another link, another
    agenda) is a new one and meets the overlap check."""
    same = Meeting.objects.live().filter(match=match, proposed_by=by, **proposal)
    earlier = same.order_by("pk").first()
    if earlier is not None:
        raise MeetingAlreadyProposed(
            f"You already proposed this meeting (id {earlier.pk}); it was saved once.", meeting=earlier
        )
