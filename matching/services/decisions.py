"""Coordinators decide matches: approve, decline, end. Every rule is checked under a row lock.

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
from matching.services.transitions import match_transition
from matching.signals import match_ended
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
    "NotProgramCoordinator",
    "ReasonRequired",
    "TraineeAlreadyMatched",
    "can_coordinate",
    "ensure_coordinator",
    "match_approve",
    "match_decline",
    "match_end",
    "matches_approve",
]


def _lock_match(match: Match) -> Match:
    """Re-read the match under a row lock: the caller's copy may be stale (another coordinator just decided)."""
    return (
        Match.objects.select_for_update(of=("self",)).select_related("trainee__user", "mentor__user").get(pk=match.pk)
    )


def _clean_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(f"Give a reason to {action} the match.", fields={"reason": ["A reason is required."]})
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
