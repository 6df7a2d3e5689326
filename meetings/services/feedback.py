"""Two-way feedback after a meeting, and answers to the periodic check-in survey."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from matching.models import Match
from meetings.errors import AlreadyAnswered, MatchNotApproved, MeetingStateConflict, NotInMatch
from meetings.models import CheckIn, Feedback, Meeting
from meetings.people import role_in
from meetings.selectors import checkin_current_period, is_first_meeting
from meetings.services.followups import CHECKIN, checkin_occurrence
from meetings.services.reminders import FEEDBACK_PROMPT
from meetings.services.risk import match_flag_at_risk
from mentorship.errors import ApplicationError
from notifications.services import notifications_cancel, notifications_mark_read_about
from profiles.models import User


@transaction.atomic
def feedback_submit(
    *,
    meeting: Meeting,
    by: User,
    rating: int,
    useful: bool,
    went_well: str = "",
    to_change: str = "",
    good_fit: bool | None = None,
) -> Feedback:
    meeting = Meeting.objects.select_related("match__mentor__user", "match__trainee__user").get(pk=meeting.pk)
    refusal = feedback_refusal(meeting=meeting, by=by)
    if refusal is not None:
        raise refusal
    role = role_in(meeting.match, by)
    assert role is not None  # feedback_refusal turned away anyone else
    if not 1 <= rating <= 5:
        raise ApplicationError("Rate the meeting from 1 to 5.", fields={"rating": ["Out of range."]})
    first = is_first_meeting(meeting)
    if first and good_fit is None:
        raise ApplicationError(
            "After a first meeting, please say whether this is a good fit.", fields={"good_fit": ["Required."]}
        )
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                meeting=meeting,
                author=by,
                role=role,
                rating=rating,
                useful=useful,
                went_well=went_well,
                to_change=to_change,
                good_fit=good_fit if first else None,
            )
    except IntegrityError:
        raise AlreadyAnswered("You have already given feedback on this meeting.") from None
    # Done: the prompt is not sent, and the one already delivered no longer counts as new on the bell.
    notifications_cancel(about=meeting, kinds=[FEEDBACK_PROMPT], recipient=by)
    notifications_mark_read_about(about=meeting, kinds=[FEEDBACK_PROMPT], recipient=by)
    if first and good_fit is False:
        match_flag_at_risk(match=meeting.match, reason=f"The {role} said it is not a good fit after the first meeting.")
    return feedback


def feedback_refusal(*, meeting: Meeting, by: User) -> ApplicationError | None:
    """Why `by` cannot give feedback on this meeting now (the form says so before anyone fills it in); None when
    they can."""
    if role_in(meeting.match, by) is None:
        return NotInMatch("Only the two people who met can give feedback on this meeting.")
    # "Opens when it has ended" would send someone back to wait for a meeting that will never happen.
    if meeting.status == Meeting.Status.CANCELLED:
        return MeetingStateConflict("This meeting was cancelled, so there is no feedback to give.")
    if meeting.lapsed():
        return MeetingStateConflict("This meeting was never accepted, so it did not take place: no feedback to give.")
    if not meeting.has_ended():
        return MeetingStateConflict("Feedback opens when an accepted meeting has ended.")
    if Feedback.objects.filter(meeting=meeting, author=by).exists():
        return AlreadyAnswered("You have already given feedback on this meeting.")
    return None


def checkin_refusal(*, match: Match, by: User, period: int) -> ApplicationError | None:
    """Why `by` cannot answer this check-in of the match now; None when they can."""
    if role_in(match, by) is None:
        return NotInMatch("Only the mentor and the trainee of this match answer its check-ins.")
    # A declined or ended match is no one's to watch: an answer to it would only flag a dead match at risk.
    if match.status != Match.Status.APPROVED:
        return MatchNotApproved(
            f"Check-ins are answered for an approved match only; this one is {match.get_status_display().lower()}."
        )
    current = checkin_current_period(match)
    if current is None or not 0 <= period <= current:
        return MeetingStateConflict("This check-in is not open.")
    if CheckIn.objects.filter(match=match, respondent=by, period=period).exists():
        return AlreadyAnswered("You have already answered this check-in.")
    return None


@transaction.atomic
def checkin_submit(*, match: Match, by: User, period: int, going_well: int, comment: str = "") -> CheckIn:
    match = Match.objects.select_related("program", "mentor__user", "trainee__user").get(pk=match.pk)
    refusal = checkin_refusal(match=match, by=by, period=period)
    if refusal is not None:
        raise refusal
    if not 1 <= going_well <= 5:
        raise ApplicationError("Answer from 1 to 5.", fields={"going_well": ["Out of range."]})
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                match=match, respondent=by, period=period, going_well=going_well, comment=comment
            )
    except IntegrityError:
        raise AlreadyAnswered("You have already answered this check-in.") from None
    # The prompt that asked is answered: the bell stops counting it (a later period's prompt is its own).
    notifications_mark_read_about(about=match, kinds=[CHECKIN], recipient=by, occurrence=checkin_occurrence(period))
    if going_well <= CheckIn.ALERT_AT_MOST:
        # The comment itself stays on the match's page (meetings.admin.CheckInInline), shown to its coordinators only:
        # the reason travels further (the history of a cleared flag, the health page's export).
        said = ", with a comment: read it under Check-ins on the match's page" if comment.strip() else ""
        match_flag_at_risk(match=match, reason=f"A check-in answer said it is not going well ({going_well}/5){said}.")
    return checkin
