"""The rules every meeting change obeys (who may, when, where, how often) and the locks and announcements it
shares: `proposals` and `answers` build on them. Every change is one transaction: the meeting and the outbox rows
it implies are written together or not at all."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from matching.models import Match
from meetings.errors import (
    MatchNotApproved,
    MeetingChangedSinceRead,
    MeetingInPast,
    MeetingOverlap,
    MeetingStateConflict,
    NotInMatch,
    OtherPersonLeft,
    TooManyMoves,
)
from meetings.models import DETAIL_FIELD, MAX_DURATION_MINUTES, Meeting
from meetings.people import other_side, participants, role_in, time_zone_for
from meetings.services.reminders import occurrence_of
from mentorship.errors import ApplicationError
from notifications.selectors import count_sent_about
from notifications.services import notifications_skip_email, notify
from profiles.models import User

Format = Meeting.Format


def locked_match(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("program", "mentor__user", "trainee__user")
        .get(pk=match.pk)
    )


def require_participant(match: Match, by: User) -> None:
    if role_in(match, by) is None:
        raise NotInMatch("Only the mentor and the trainee of this match can arrange its meetings.")


def meeting_propose_refusal(*, match: Match) -> ApplicationError | None:
    """Why no meeting can be arranged in this match now (the form says so before anyone fills it in); None when
    one can."""
    if match.status != Match.Status.APPROVED:
        return MatchNotApproved(
            f"Meetings can only be arranged for an approved match; this one is {match.get_status_display().lower()}."
        )
    left = next((person for person in participants(match) if not person.is_active), None)
    if left is not None:
        return other_person_left(left)
    return None


def other_person_left(person: User) -> OtherPersonLeft:
    """The refusal of anything arranged with `person`, who left. Their deactivation cancelled the meetings still to
    come with them but left the match approved, for a coordinator to end: without it the other person could propose,
    accept or move a meeting nobody would come to."""
    return OtherPersonLeft(
        f"{person} has left the mentorship program (their account is deactivated), so no meeting can be arranged "
        "with them. A coordinator will end this match."
    )


def require_approved(match: Match) -> None:
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


def require_future(start: datetime, now: datetime) -> None:
    if timezone.is_naive(start):
        raise ApplicationError("The start time needs a time zone.", code="invalid", fields={"start": ["No zone."]})
    if start <= now:
        raise MeetingInPast("The meeting must start in the future.", fields={"start": ["This time has passed."]})
    if start > now + MAX_AHEAD:
        raise ApplicationError(
            "A meeting can be arranged up to two years ahead.", code="invalid", fields={"start": ["Too far ahead."]}
        )


def require_details(*, duration_minutes: int, format: str, place: str, video_link: str, phone: str) -> None:
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


def only_the_used_detail(format: str, *, place: str, video_link: str, phone: str) -> tuple[str, str, str]:
    """(place, video_link, phone) with only the detail `format` uses kept (stripped) and the others blank: a link
    typed for video, left in the form or a client's body when the meeting became in person, is neither saved nor put
    to the other person (nor checked: the page's form and the API ignore it alike). `format` is a known one
    (`require_details`)."""
    used = DETAIL_FIELD[format]
    given = {"place": place, "video_link": video_link, "phone": phone}
    kept = {field: value.strip() if field == used else "" for field, value in given.items()}
    return kept["place"], kept["video_link"], kept["phone"]


#: "+1 (555) 010-0100", "030/1234567", "020 7946 0000 ext. 12"; not "call me maybe".
PHONE = re.compile(r"\+?(?P<number>[\d\s()./-]+?)(?:\s*(?:ext\.?|x)\s*\d{1,6})?", re.IGNORECASE)


def require_phone(phone: str) -> None:
    """A number that can be called: 5 to 20 digits (an extension aside). Checked when a phone meeting is
    proposed, not when one is moved, so a meeting saved before this rule can still be moved."""
    found = PHONE.fullmatch(phone.strip())
    if found is None or not 5 <= sum(c.isdigit() for c in found["number"]) <= 20:
        raise ApplicationError(
            "A phone number has 5 to 20 digits, with only +, spaces, dashes, dots, slashes, brackets or an extension.",
            fields={"phone": ["Not a phone number."]},
        )


def require_free(
    match: Match, start: datetime, duration_minutes: int, *, by: User, exclude: Meeting | None = None
) -> None:
    """Neither person may have another live meeting overlapping this one. Both users' rows are locked first (in
    id order) so two proposals racing for the same slot are decided one after the other. The refusal speaks to
    `by`, in their zone.

    The rows are read afresh under that lock, and someone who left is refused here too: a deactivation that
    committed after the match was read found no meeting of this change's to cancel (one that waits for the lock
    cancels it after)."""
    mentor, trainee = participants(match)
    people = list(User.objects.select_for_update().filter(pk__in=[mentor.pk, trainee.pk]).order_by("pk"))
    left = next((person for person in people if not person.is_active), None)
    if left is not None:
        raise other_person_left(left)
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


def other(match: Match, by: User) -> User:
    return other_side(match, by).user


def announce(meeting: Meeting, *, to: User, kind: str) -> None:
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


def announce_proposal(meeting: Meeting, *, to: User) -> None:
    """Put a newly proposed meeting to the other person (`announce`)."""
    announce(meeting, to=to, kind="meeting_proposed")


def locked_meeting(meeting: Meeting, by: User) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("match__program", "match__mentor__user", "match__trainee__user")
        .get(pk=meeting.pk)
    )
    require_participant(locked.match, by)
    return locked


def require_seen(meeting: Meeting, by: User, seen_sequence: int | None, seen_status: str | None = None) -> None:
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
