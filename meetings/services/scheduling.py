"""Proposing, accepting, moving and cancelling meetings. Every function is one transaction: the meeting and the
outbox rows it implies are written together or not at all."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from matching.models import Match
from meetings.errors import (
    MatchNotApproved,
    MeetingAlreadyProposed,
    MeetingChangedSinceRead,
    MeetingInPast,
    MeetingOverlap,
    MeetingStateConflict,
    NotInMatch,
    TooManyMoves,
    TooManyProposals,
)
from meetings.models import DETAIL_FIELD, MAX_DURATION_MINUTES, Meeting
from meetings.people import other_side, participants, role_in, time_zone_for
from meetings.services.reminders import meeting_followups_cancel, meeting_followups_write, occurrence_of
from mentorship.errors import ApplicationError
from notifications.selectors import count_sent_about
from notifications.services import notifications_cancel, notifications_skip_email, notify
from profiles.models import User

Format = Meeting.Format


def _locked_match(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("program", "mentor__user", "trainee__user")
        .get(pk=match.pk)
    )


def _require_participant(match: Match, by: User) -> None:
    if role_in(match, by) is None:
        raise NotInMatch("Only the mentor and the trainee of this match can arrange its meetings.")


def meeting_propose_refusal(*, match: Match) -> ApplicationError | None:
    """Why no meeting can be arranged in this match now (the form says so before anyone fills it in); None when
    one can."""
    if match.status != Match.Status.APPROVED:
        return MatchNotApproved(
            f"Meetings can only be arranged for an approved match; this one is {match.get_status_display().lower()}."
        )
    return None


def _require_approved(match: Match) -> None:
    refusal = meeting_propose_refusal(match=match)
    if refusal is not None:
        raise refusal


def meeting_move_refusal(
    *, meeting: Meeting, by: User, suggest: bool = False, now: datetime | None = None
) -> ApplicationError | None:
    """Why `by` cannot move this meeting (or, `suggest`, counter-propose another time) now; None when they can."""
    if suggest:
        if meeting.status != Meeting.Status.PROPOSED:
            return MeetingStateConflict(
                "Only a proposed meeting can get a counter-proposal; move an accepted one instead."
            )
        if meeting.proposed_by_id == by.pk:
            return MeetingStateConflict("This is your own proposal; move it instead of suggesting another time.")
    if meeting.status not in Meeting.LIVE:
        return MeetingStateConflict("A cancelled meeting cannot be moved; propose a new one.")
    now = now or timezone.now()
    if meeting.start <= now:
        return MeetingStateConflict("This meeting has already started; it can no longer be moved.")
    return meeting_propose_refusal(match=meeting.match) or _too_many_moves(meeting, by, now)


#: Times one person may move one meeting, or suggest another time for it, in 24 hours. Each move e-mails the other
#: person (and re-times their reminders); without a limit one side could fill the other's inbox with one meeting.
#: Counted under the meeting's lock when moving, so two racing moves are counted one by one.
MAX_MOVES_PER_DAY = 5
MOVE_KINDS = ("meeting_rescheduled", "meeting_time_suggested")
#: The messages that put a time to the other person. Each is out of date once the meeting is answered or moved.
ANNOUNCING_KINDS = ("meeting_proposed", *MOVE_KINDS)


def _too_many_moves(meeting: Meeting, by: User, now: datetime) -> TooManyMoves | None:
    other = other_side(meeting.match, by)
    moves = count_sent_about(recipient=other.user, kinds=MOVE_KINDS, about=meeting, since=now - timedelta(days=1))
    if moves < MAX_MOVES_PER_DAY:
        return None
    return TooManyMoves(
        f"You have moved this meeting {moves} times in the last 24 hours, and {other} was told each time: agree a "
        "time with them first (or cancel the meeting), then move it once."
    )


#: How far ahead a meeting can be arranged: a date years away is a typo (and the year 9999 has no room for a
#: meeting's end).
MAX_AHEAD = timedelta(days=2 * 365)


def _require_future(start: datetime, now: datetime) -> None:
    if timezone.is_naive(start):
        raise ApplicationError("The start time needs a time zone.", code="invalid", fields={"start": ["No zone."]})
    if start <= now:
        raise MeetingInPast("The meeting must start in the future.", fields={"start": ["This time has passed."]})
    if start > now + MAX_AHEAD:
        raise ApplicationError(
            "A meeting can be arranged up to two years ahead.", code="invalid", fields={"start": ["Too far ahead."]}
        )


def _require_details(*, duration_minutes: int, format: str, place: str, video_link: str, phone: str) -> None:
    if not 5 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise ApplicationError(
            f"A meeting lasts 5 to {MAX_DURATION_MINUTES} minutes.", fields={"duration_minutes": ["Out of range."]}
        )
    if format not in DETAIL_FIELD:
        raise ApplicationError("Choose in person, video or phone.", fields={"format": ["Unknown format."]})
    field = DETAIL_FIELD[format]
    if not {"place": place, "video_link": video_link, "phone": phone}[field].strip():
        label = {"place": "a place", "video_link": "a video link", "phone": "a phone number"}[field]
        raise ApplicationError(
            f"A {Format(format).label.lower()} meeting needs {label}.", fields={field: ["Required."]}
        )


#: "+1 (555) 010-0100", "030/1234567", "020 7946 0000 ext. 12"; not "call me maybe".
PHONE = re.compile(r"\+?(?P<number>[\d\s()./-]+?)(?:\s*(?:ext\.?|x)\s*\d{1,6})?", re.IGNORECASE)


def _require_phone(phone: str) -> None:
    """A number that can be called: 5 to 20 digits (an extension aside). Checked when a phone meeting is
    proposed, not when one is moved, so a meeting saved before this rule can still be moved."""
    found = PHONE.fullmatch(phone.strip())
    if found is None or not 5 <= sum(c.isdigit() for c in found["number"]) <= 20:
        raise ApplicationError(
            "A phone number has 5 to 20 digits, with only +, spaces, dashes, dots, slashes, brackets or an extension.",
            fields={"phone": ["Not a phone number."]},
        )


def _require_free(
    match: Match, start: datetime, duration_minutes: int, *, by: User, exclude: Meeting | None = None
) -> None:
    """Neither person may have another live meeting overlapping this one. Both users' rows are locked first (in
    id order) so two proposals racing for the same slot are decided one after the other. The refusal speaks to
    `by`, in their zone."""
    mentor, trainee = participants(match)
    list(User.objects.select_for_update().filter(pk__in=[mentor.pk, trainee.pk]).order_by("pk"))
    end = start + timedelta(minutes=duration_minutes)
    nearby = (
        Meeting.objects.live()
        .filter(start__lt=end, start__gt=start - timedelta(minutes=MAX_DURATION_MINUTES))
        # A proposal whose time came unaccepted can no longer be accepted: it holds no one's time.
        .exclude(status=Meeting.Status.PROPOSED, start__lte=timezone.now())
        .filter(Q(match__mentor__user__in=[mentor, trainee]) | Q(match__trainee__user__in=[mentor, trainee]))
        .select_related("match__mentor__user", "match__trainee__user")
    )
    if exclude is not None:
        nearby = nearby.exclude(pk=exclude.pk)
    for other in nearby:
        if other.end > start:
            other_people = {other.match.mentor.user_id, other.match.trainee.user_id}
            busy = by if by.pk in other_people else (mentor if mentor.pk in other_people else trainee)
            zone = time_zone_for(match, by)
            begins, ends = other.start.astimezone(zone), other.end.astimezone(zone)
            when = f"{begins:%H:%M} to {ends:%H:%M} on {begins:%a %-d %b} ({zone.key})"
            who = "You already have" if busy.pk == by.pk else f"{busy} already has"
            raise MeetingOverlap(
                f"{who} a meeting from {when}; choose another time.",
                fields={"start": ["Overlaps another meeting."]},
            )


def _other(match: Match, by: User) -> User:
    return other_side(match, by).user


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
    match = _locked_match(match)
    _require_participant(match, by)
    _require_approved(match)
    _require_future(start, timezone.now())
    _require_details(duration_minutes=duration_minutes, format=format, place=place, video_link=video_link, phone=phone)
    if format == Format.PHONE:
        _require_phone(phone)
    _refuse_the_same_again(
        match,
        by,
        start=start,
        duration_minutes=duration_minutes,
        format=format,
        details=(place, video_link, phone),
        agenda=agenda,
    )
    _require_few_waiting(match, by)  # under the match's lock: two racing proposals are counted one by one
    _require_free(match, start, duration_minutes, by=by)
    meeting = Meeting.objects.create(
        match=match,
        proposed_by=by,
        start=start,
        duration_minutes=duration_minutes,
        format=format,
        place=place.strip(),
        video_link=video_link.strip(),
        phone=phone.strip(),
        agenda=agenda,
    )
    _announce(meeting, to=_other(match, by), kind="meeting_proposed")
    return meeting


def _refuse_the_same_again(
    match: Match,
    by: User,
    *,
    start: datetime,
    duration_minutes: int,
    format: str,
    details: tuple[str, str, str],
    agenda: str,
) -> None:
    """A live proposal of `by`'s in this match saying exactly this is the same form sent again (a double click,
    Back and send again): without this check, the overlap check refused it as "You already have a meeting …",
    and the proposer took the proposal for one that failed. Checked under the match's lock, so a double click's
    two requests are decided one after the other. A proposal that differs in anything (another link, another
    agenda) is a new one and meets the overlap check."""
    place, video_link, phone = (detail.strip() for detail in details)
    same = Meeting.objects.live().filter(
        match=match,
        proposed_by=by,
        start=start,
        duration_minutes=duration_minutes,
        format=format,
        place=place,
        video_link=video_link,
        phone=phone,
        agenda=agenda,
    )
    earlier = same.order_by("pk").first()
    if earlier is not None:
        raise MeetingAlreadyProposed(
            f"You already proposed this meeting (id {earlier.pk}); it was saved once.", meeting=earlier
        )


def _announce(meeting: Meeting, *, to: User, kind: str) -> None:
    """Put the meeting's (new) time to `to`. An earlier message naming an older time that has not been e-mailed yet
    is not e-mailed any more (it stays in the in-app inbox, the meeting's history). This one is e-mailed only before
    the meeting begins (after it, with beat or the workers down that long, it would only mislead; it stays in the
    inbox), and until then it is retried through a mail outage, however long."""
    notifications_skip_email(about=meeting, kinds=ANNOUNCING_KINDS)
    notify(
        recipient=to,
        kind=kind,
        about=meeting,
        occurrence=occurrence_of(meeting),
        expires_at=meeting.start,
        in_app_after_expiry=True,
    )


def _locked_meeting(meeting: Meeting, by: User) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("match__program", "match__mentor__user", "match__trainee__user")
        .get(pk=meeting.pk)
    )
    _require_participant(locked.match, by)
    return locked


def _require_seen(meeting: Meeting, by: User, seen_sequence: int | None, seen_status: str | None = None) -> None:
    """Refuse an answer given to a version of the meeting `by` did not see (`seen_sequence`: the `sequence` their
    page or client read; `seen_status`: the status it showed; None checks nothing). Every move raises the sequence,
    so an answer sent from a page opened before the other person moved the meeting would otherwise accept or decline
    a time its sender was never shown; accepting does not (the time stays), so *Decline this time* pressed on a page
    from before an acceptance (in another tab) would cancel the accepted meeting. Checked under the meeting's lock:
    no move can slip in between the check and the write."""
    moved = seen_sequence is not None and seen_sequence != meeting.sequence
    answered = seen_status is not None and seen_status != meeting.status
    if not (moved or answered):
        return
    zone = time_zone_for(meeting.match, by)
    begins = meeting.start.astimezone(zone)
    now_is = f"{meeting.get_status_display().lower()}, " if answered else ""
    raise MeetingChangedSinceRead(
        f"This meeting changed since you read it: it is now {now_is}at {begins:%H:%M} on {begins:%a %-d %b %Y} "
        f"({zone.key}) for {meeting.duration_minutes} minutes. Nothing was changed: read it again and answer it as "
        "it is now."
    )


@transaction.atomic
def meeting_accept(
    *, meeting: Meeting, by: User, seen_sequence: int | None = None, seen_status: str | None = None
) -> Meeting:
    """Accept the other person's proposal. `seen_sequence`, `seen_status`: the meeting as `by` read it
    (see `_require_seen`)."""
    meeting = _locked_meeting(meeting, by)
    if meeting.status != Meeting.Status.PROPOSED:
        raise MeetingStateConflict(
            f"This meeting is {meeting.get_status_display().lower()}; there is nothing to accept."
        )
    if meeting.proposed_by_id == by.pk:
        raise MeetingStateConflict("You proposed this time; the other person accepts it.")
    _require_seen(meeting, by, seen_sequence, seen_status)
    _require_approved(meeting.match)
    _require_future(meeting.start, timezone.now())
    _require_free(meeting.match, meeting.start, meeting.duration_minutes, by=by, exclude=meeting)
    meeting.status = Meeting.Status.ACCEPTED
    meeting.save(update_fields=["status", "updated_at"])
    # Answered: an e-mail still asking `by` to answer it (queued while the workers were busy or down) would only
    # mislead. The in-app copy stays, as the meeting's history.
    notifications_skip_email(about=meeting, kinds=ANNOUNCING_KINDS)
    meeting_followups_write(meeting=meeting)
    # Not e-mailed once the meeting has begun (a send that waited out a mail outage, a retry in the admin): "Meeting
    # confirmed" with an invitation for a time gone by only confuses. It stays in the inbox, as the history.
    notify(
        recipient=_other(meeting.match, by),
        kind="meeting_accepted",
        about=meeting,
        occurrence=occurrence_of(meeting),
        expires_at=meeting.start,
        in_app_after_expiry=True,
    )
    return meeting


@transaction.atomic
def meeting_reschedule(*, meeting: Meeting, by: User, start: datetime, duration_minutes: int | None = None) -> Meeting:
    """Move a live meeting. An accepted meeting stays accepted and its reminders are re-timed; a proposal moved by
    the person who did not propose it becomes their counter-proposal."""
    meeting = _locked_meeting(meeting, by)
    now = timezone.now()
    refusal = meeting_move_refusal(meeting=meeting, by=by, now=now)
    if refusal is not None:
        raise refusal
    _require_future(start, now)
    duration = duration_minutes or meeting.duration_minutes
    _require_details(
        duration_minutes=duration,
        format=meeting.format,
        place=meeting.place,
        video_link=meeting.video_link,
        phone=meeting.phone,
    )
    _require_free(meeting.match, start, duration, by=by, exclude=meeting)
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
    _announce(meeting, to=_other(meeting.match, by), kind=kind)
    return meeting


def meeting_suggest_time(
    *, meeting: Meeting, by: User, start: datetime, duration_minutes: int | None = None
) -> Meeting:
    """“Suggest another time” on a proposal made by the other person."""
    refusal = meeting_move_refusal(meeting=meeting, by=by, suggest=True)
    if refusal is not None:
        raise refusal
    return meeting_reschedule(meeting=meeting, by=by, start=start, duration_minutes=duration_minutes)


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, by: User, reason: str = "", seen_sequence: int | None = None, seen_status: str | None = None
) -> Meeting:
    """Cancel a meeting, or decline the other person's proposal. `seen_sequence`, `seen_status`: the
    meeting as `by` read it (see `_require_seen`)."""
    meeting = _locked_meeting(meeting, by)
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingStateConflict("This meeting is already cancelled.")
    if meeting.start <= timezone.now():
        raise MeetingStateConflict("This meeting has already started; it can no longer be cancelled.")
    _require_seen(meeting, by, seen_sequence, seen_status)
    # The other person's proposal, never agreed to: its proposer hears it was declined, not that a meeting is off.
    declined = meeting.is_proposal_to(by)
    _mark_cancelled(meeting, by=by, reason=reason[:300])
    notify(
        recipient=_other(meeting.match, by),
        kind="meeting_cancelled",
        about=meeting,
        occurrence=occurrence_of(meeting),
        context={"declined": True} if declined else None,
    )
    return meeting


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
