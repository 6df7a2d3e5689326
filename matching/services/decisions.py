"""Coordinators decide matches: approve, decline, end, and clear an at-risk flag. Every rule is checked under a row
lock.

Approvals (one match or a cohort's) are in `approvals`, which locks trainee → mentor → match rows; declining and
ending lock the match row alone. Two decisions on the same match, or many approvals for one mentor, queue behind
each other instead of deadlocking.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from matching.models import Match
from matching.services.approvals import Approvals, match_approve, matches_approve
from matching.services.refusals import (
    AccountDeactivated,
    AlreadyApproved,
    AlreadyDecided,
    ConflictOfInterest,
    MatchNotActive,
    MentorAssessesTrainee,
    MentorAtCapacity,
    NotProgramCoordinator,
    ReasonRequired,
    TraineeAlreadyMatched,
    already_decided,
    approved_cannot_be_declined,
    can_coordinate,
    ensure_coordinator,
    ensure_not_a_party,
    not_active,
)
from matching.services.requests import MentorNotAccepting
from matching.services.transitions import match_transition
from matching.signals import match_ended
from mentorship.errors import Conflict
from notifications.services import notify
from profiles.models import User

__all__ = [
    "AccountDeactivated",
    "AlreadyApproved",
    "AlreadyDecided",
    "Approvals",
    "ConflictOfInterest",
    "MatchNotActive",
    "MentorAssessesTrainee",
    "MentorAtCapacity",
    "MentorNotAccepting",
    "NotProgramCoordinator",
    "ReasonRequired",
    "TraineeAlreadyMatched",
    "can_coordinate",
    "ensure_coordinator",
    "match_approve",
    "match_clear_at_risk",
    "match_decline",
    "match_end",
    "matches_approve",
]

#: How the history entry of a cleared at-risk flag begins: the hourly follow-up reads the latest one a coordinator
#: wrote (meetings.services.followups), so a flag they cleared is not raised again at once for the same cause.
AT_RISK_CLEARED = "At-risk flag cleared"


class NotAtRisk(Conflict):
    code = "not_at_risk"


def _lock_match(match: Match) -> Match:
    """Re-read the match under a row lock: the caller's copy may be stale (another coordinator just decided)."""
    return (
        Match.objects.select_for_update(of=("self",)).select_related("trainee__user", "mentor__user").get(pk=match.pk)
    )


#: The longest reason or note a decision keeps: it goes into the match's history and the e-mails about it.
REASON_MAX_LENGTH = 2000
TOO_LONG = f"Keep it to {REASON_MAX_LENGTH:,} characters."


def _clean_reason(reason: str, action: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(f"Give a reason to {action} the match.", fields={field: ["A reason is required."]})
    if len(reason) > REASON_MAX_LENGTH:
        # Checked here, not only by the API's serializer: the admin's forms once took 200,000 characters into the
        # history and the outbox.
        raise ReasonRequired(f"{TOO_LONG} Nothing was changed.", fields={field: [TOO_LONG]})
    return reason


def _record_decision(match: Match, *, to: str, by: User, reason: str) -> None:
    """Move an undecided match to `to`, recording who decided, when and why (on the match and in its history)."""
    match.decided_by, match.decided_at, match.decision_reason = by, timezone.now(), reason
    match_transition(match=match, to=to, by=by, reason=reason, fields=("decided_by", "decided_at", "decision_reason"))


@transaction.atomic
def match_decline(*, match: Match, by: User, reason: str) -> Match:
    """Decline a requested or proposed match, and tell the trainee: they see a round's proposal on their home
    page as well as their own request (a proposal a new round replaces is withdrawn silently instead)."""
    ensure_coordinator(user=by, program=match.program)
    reason = _clean_reason(reason, "decline")
    match = _lock_match(match)
    ensure_not_a_party(match=match, by=by)
    if match.status == Match.Status.APPROVED:
        raise approved_cannot_be_declined(match)
    if not match.is_undecided():
        raise already_decided(match)
    _record_decision(match, to=Match.Status.DECLINED, by=by, reason=reason)
    notify(recipient=match.trainee.user, kind="match_declined", about=match)  # a round's proposal was shown too
    return match


@transaction.atomic
def match_end(*, match: Match, by: User, reason: str) -> Match:
    """End an approved match (the mentorship is over or not working); it frees the mentor's place, and its
    meetings still to come are cancelled (`match_ended`)."""
    ensure_coordinator(user=by, program=match.program)
    reason = _clean_reason(reason, "end")
    match = _lock_match(match)
    ensure_not_a_party(match=match, by=by)
    if match.status != Match.Status.APPROVED:
        raise not_active(match)
    match.ended_at = timezone.now()
    match.end_reason = reason
    match_transition(match=match, to=Match.Status.ENDED, by=by, reason=reason, fields=("ended_at", "end_reason"))
    match_ended.send(sender=Match, match=match, by=by)  # meetings cancels the upcoming ones, in this transaction
    notify(recipient=match.trainee.user, kind="match_ended", about=match)
    notify(recipient=match.mentor.user, kind="match_ended", about=match)
    return match


def at_risk_clear(match: Match, *, by: User | None, why: str) -> None:
    """Clear the match's at-risk flag and say in its history who (None: the hourly follow-up) and why, with the
    reason it was flagged for. Its status stays as it is (the entry reads approved → approved). The caller holds the
    match's row lock and read the flag under it."""
    was = match.at_risk_reason or "no reason given"
    match.at_risk_since, match.at_risk_reason = None, ""
    match_transition(
        match=match,
        to=match.status,
        by=by,
        reason=f'{AT_RISK_CLEARED} (flagged: "{was}"). {why}',
        fields=("at_risk_since", "at_risk_reason"),
    )


@transaction.atomic
def match_clear_at_risk(*, match: Match, by: User, note: str) -> Match:
    """A coordinator who has looked into an at-risk match clears its flag, with a note for its history (what was
    done, or why it is fine). A flag the hourly follow-up raised for a cause still there (no first meeting, no session
    logged) is not raised again for it: the inactivity clock starts again from now, and "no first meeting" is not
    raised again at all. The conflict-of-interest rule of decisions applies: the mentor or trainee never clears it."""
    ensure_coordinator(user=by, program=match.program)
    if not (note or "").strip():
        raise ReasonRequired(
            "Say why the flag can be cleared (what was done, or why the match is fine).",
            fields={"note": ["A note is required."]},
        )
    note = _clean_reason(note, "clear the flag of", field="note")
    match = _lock_match(match)
    ensure_not_a_party(match=match, by=by)
    if match.at_risk_since is None:
        # Another coordinator cleared it meanwhile, or the hourly follow-up did once its cause had gone.
        raise NotAtRisk(f"The match of {match.trainee} with {match.mentor} is not flagged at risk (any more).")
    at_risk_clear(match, by=by, why=f"Note: {note}")
    return match
