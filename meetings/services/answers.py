"""Answering and changing a meeting: accept, suggest another time, reschedule, cancel (or decline), and the
cancelling of an ended match's meetings. One transaction each, with the outbox rows it implies."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from matching.models import Match
from matching.services.departures import departure_reason
from meetings.errors import (
    MeetingStateConflict,
)
from meetings.models import Meeting
from meetings.people import participants
from meetings.services.followups import match_followups_cancel
from meetings.services.reminders import meeting_followups_cancel, meeting_followups_write, occurrence_of
from meetings.services.scheduling import (
    ANNOUNCING_KINDS,
    announce,
    locked_meeting,
    meeting_move_refusal,
    other,
    require_approved,
    require_details,
    require_free,
    require_future,
    require_seen,
)
from notifications.services import notifications_cancel, notifications_skip_email, notify
from profiles.models import User


@transaction.atomic
def meeting_accept(
    *, meeting: Meeting, by: User, seen_sequence: int | None = None, seen_status: str | None = None
) -> Meeting:
    """Accept the other person's proposal. `seen_sequence`, `seen_status`: the meeting as `by` read it
    (see `require_seen`)."""
    meeting = locked_meeting(meeting, by)
    if meeting.status != Meeting.Status.PROPOSED:
        raise MeetingStateConflict(
            f"This meeting is {meeting.get_status_display().lower()}; there is nothing to accept."
        )
    if meeting.proposed_by_id == by.pk:
        raise MeetingStateConflict("You proposed this time; the other person accepts it.")
    require_seen(meeting, by, seen_sequence, seen_status)
    require_approved(meeting.match)
    require_future(meeting.start, timezone.now())
    require_free(meeting.match, meeting.start, meeting.duration_minutes, by=by, exclude=meeting)
    meeting.status = Meeting.Status.ACCEPTED
    meeting.save(update_fields=["status", "updated_at"])
    # Answered: an e-mail still asking `by` to answer it (queued while the workers were busy or down) would only
    # mislead. The in-app copy stays, as the meeting's history.
    notifications_skip_email(about=meeting, kinds=ANNOUNCING_KINDS)
    meeting_followups_write(meeting=meeting)
    # Not e-mailed once the meeting has begun (a send that waited out a mail outage, a retry in the admin): "Meeting
    # confirmed" with an invitation for a time gone by only confuses. It stays in the inbox, as the history.
    # Both are told: the proposer that it was accepted, and the one who accepted gets the confirmed invitation too —
    # their calendar held only the proposal's tentative one (the page's .ics was the only way to confirm it).
    for recipient in (other(meeting.match, by), by):
        notify(
            recipient=recipient,
            kind="meeting_accepted",
            about=meeting,
            occurrence=occurrence_of(meeting),
            expires_at=meeting.start,
            in_app_after_expiry=True,
        )
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    start: datetime,
    duration_minutes: int | None = None,
    seen_sequence: int | None = None,
    seen_status: str | None = None,
) -> Meeting:
    """Move a live meeting. An accepted meeting stays accepted and its reminders are re-timed; a proposal moved by
    the person who did not propose it becomes their counter-proposal. `seen_sequence`, `seen_status`: the meeting
    as `by` read it (see `require_seen`): a move typed against a time the other person has moved since, or a
    proposal accepted since, would silently undo what they did."""
    meeting = locked_meeting(meeting, by)
    require_seen(meeting, by, seen_sequence, seen_status)
    now = timezone.now()
    refusal = meeting_move_refusal(meeting=meeting, by=by, now=now)
    if refusal is not None:
        raise refusal
    require_future(start, now)
    duration = duration_minutes or meeting.duration_minutes
    require_details(
        duration_minutes=duration,
        format=meeting.format,
        place=meeting.place,
        video_link=meeting.video_link,
        phone=meeting.phone,
    )
    require_free(meeting.match, start, duration, by=by, exclude=meeting)
    accepted = meeting.status == Meeting.Status.ACCEPTED
    if accepted:
        meeting_followups_cancel(meeting=meeting)
    meeting.start, meeting.duration_minutes = start, duration
    meeting.sequence += 1
    if not accepted:
        meeting.proposed_by = by
    meeting.save(update_fields=["start", "duration_minutes", "sequence", "proposed_by", "updated_at"])
    if accepted:
        meeting_followups_write(meeting=meeting, now=now)
    kind = "meeting_rescheduled" if accepted else "meeting_time_suggested"
    announce(meeting, to=other(meeting.match, by), kind=kind)
    if accepted:
        # The mover's calendar holds the confirmed event at the old time: the updated invitation replaces it now,
        # not at the next reminder. A proposal moved is still only the other person's to answer.
        _update_own_calendar(meeting, by=by, kind="meeting_accepted", context={"moved": True}, expires=True)
    return meeting


def meeting_suggest_time(
    *,
    meeting: Meeting,
    by: User,
    start: datetime,
    duration_minutes: int | None = None,
    seen_sequence: int | None = None,
    seen_status: str | None = None,
) -> Meeting:
    """“Suggest another time” on a proposal made by the other person."""
    refusal = meeting_move_refusal(meeting=meeting, by=by, suggest=True)
    if refusal is not None:
        raise refusal
    return meeting_reschedule(
        meeting=meeting,
        by=by,
        start=start,
        duration_minutes=duration_minutes,
        seen_sequence=seen_sequence,
        seen_status=seen_status,
    )


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, by: User, reason: str = "", seen_sequence: int | None = None, seen_status: str | None = None
) -> Meeting:
    """Cancel a meeting, or decline the other person's proposal. `seen_sequence`, `seen_status`: the
    meeting as `by` read it (see `require_seen`)."""
    meeting = locked_meeting(meeting, by)
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingStateConflict("This meeting is already cancelled.")
    if meeting.start <= timezone.now():
        raise MeetingStateConflict("This meeting has already started; it can no longer be cancelled.")
    require_seen(meeting, by, seen_sequence, seen_status)
    # The other person's proposal, never agreed to: its proposer hears it was declined, not that a meeting is off.
    declined = meeting.is_proposal_to(by)
    accepted = meeting.status == Meeting.Status.ACCEPTED
    _mark_cancelled(meeting, by=by, reason=reason[:300])
    notify(
        recipient=other(meeting.match, by),
        kind="meeting_cancelled",
        about=meeting,
        occurrence=occurrence_of(meeting),
        context={"declined": True} if declined else None,
    )
    if accepted:
        # The canceller's calendar holds the confirmed event, and the reminders that would have carried the change
        # were cancelled with the meeting: without this the event stayed there for good.
        _update_own_calendar(meeting, by=by, kind="meeting_cancelled", context={"own": True})
    return meeting


def _update_own_calendar(
    meeting: Meeting, *, by: User, kind: str, context: dict[str, bool] | None = None, expires: bool = False
) -> None:
    """Send `by` the meeting's current invitation (the same UID, the new SEQUENCE; a cancellation's cancels it) for
    the calendar that holds the version they had accepted. E-mail only: the inbox cannot update a calendar, and a
    message there about what they just did themselves would only count as new. Its key names the new start and
    sequence, so each change sends one. `expires`: not sent once the meeting has begun (an update of a time gone
    by only confuses)."""
    notify(
        recipient=by,
        kind=kind,
        about=meeting,
        occurrence=occurrence_of(meeting),
        context=context,
        expires_at=meeting.start if expires else None,
        in_app=False,
    )


def _mark_cancelled(meeting: Meeting, *, by: User | None, reason: str) -> None:
    """Cancel the meeting (a new SEQUENCE, so calendars drop the event) and every message still to go about it."""
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.cancelled_by = by
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "sequence", "cancelled_by", "cancel_reason", "updated_at"])
    notifications_cancel(about=meeting)


MATCH_ENDED_REASON = "The mentorship has ended."


def meetings_cancel_for_ended_match(*, match: Match, by: User | None) -> int:
    """Cancel an ended match's meetings still to come, with their reminders and prompts, and send both people the
    cancellation for their calendars; how many. Meetings already started keep their feedback and session-log
    prompts: a session can still be logged and rated after the end. In the caller's (the end's) transaction."""
    upcoming = list(
        Meeting.objects.live()
        .select_for_update(of=("self",))
        .filter(match=match, start__gt=timezone.now())
        .select_related("match__program", "match__mentor__user", "match__trainee__user")
    )
    for meeting in upcoming:
        _mark_cancelled(meeting, by=by, reason=MATCH_ENDED_REASON)
        for person in participants(meeting.match):
            notify(recipient=person, kind="meeting_cancelled", about=meeting, occurrence=occurrence_of(meeting))
    return len(upcoming)


def meetings_cancel_for_departure(*, user: User, by: User | None) -> int:
    """Someone left (their account is deactivated): cancel the meetings still to come with them, proposed or
    accepted, with their reminders and prompts, and send the other person the cancellation for their calendar; and
    call off the check-ins and nudges already queued for their approved matches (the hourly task writes no more for
    them). How many meetings. In the caller's (the deactivation's) transaction."""
    reason = departure_reason(user)[:300]
    upcoming = list(
        Meeting.objects.live()
        .involving(user)
        .select_for_update(of=("self",))
        .filter(start__gt=timezone.now())
        .select_related("match__program", "match__mentor__user", "match__trainee__user")
        .order_by("start", "pk")
    )
    for meeting in upcoming:
        _mark_cancelled(meeting, by=by, reason=reason)
        for person in participants(meeting.match):
            if person.pk != user.pk:
                notify(recipient=person, kind="meeting_cancelled", about=meeting, occurrence=occurrence_of(meeting))
    for match in Match.objects.active().filter(Q(mentor__user=user) | Q(trainee__user=user)):
        match_followups_cancel(match=match)
    return len(upcoming)
