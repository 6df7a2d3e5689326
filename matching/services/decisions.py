"""Coordinators decide matches: approve, decline, end. Every rule is checked under a row lock.

Lock order is always mentor row → match row (approvals) or match row alone (decline, end), so two decisions on
the same match, or many approvals for one mentor, queue behind each other instead of deadlocking.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Match, Program
from matching.services.transitions import match_transition
from matching.signals import match_ended
from mentorship.errors import ApplicationError, Conflict, NotAllowed
from notifications.services import notifications_cancel, notify
from profiles.models import MentorProfile, TraineeProfile, User


class NotProgramCoordinator(NotAllowed):
    code = "not_program_coordinator"


class AlreadyDecided(Conflict):
    code = "already_decided"


class MentorAtCapacity(Conflict):
    code = "mentor_at_capacity"


class TraineeAlreadyMatched(Conflict):
    code = "trainee_already_matched"


class MentorAssessesTrainee(Conflict):
    code = "mentor_assesses_trainee"


class MatchNotActive(Conflict):
    code = "match_not_active"


class AccountDeactivated(Conflict):
    code = "account_deactivated"


class ReasonRequired(ApplicationError):
    code = "reason_required"


def can_coordinate(*, user: User, program: Program) -> bool:
    """Superusers, and active staff listed as coordinators of this program."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or program.coordinators.filter(pk=user.pk).exists()


def ensure_coordinator(*, user: User, program: Program) -> None:
    if not can_coordinate(user=user, program=program):
        raise NotProgramCoordinator(f"Only coordinators of {program} can manage its matches, rounds and enrolment.")


def _lock_match(match: Match) -> Match:
    """Re-read the match under a row lock: the caller's copy may be stale (another coordinator just decided)."""
    return (
        Match.objects.select_for_update(of=("self",)).select_related("trainee__user", "mentor__user").get(pk=match.pk)
    )


def _already_decided(match: Match) -> AlreadyDecided:
    who = (match.decided_by.get_full_name() or match.decided_by.email) if match.decided_by else "someone"
    when = date_format(timezone.localtime(match.decided_at), "DATETIME_FORMAT") if match.decided_at else "earlier"
    return AlreadyDecided(
        f"The match of {match.trainee} with {match.mentor} was already {match.get_status_display().lower()} "
        f"by {who} on {when}."
    )


def _clean_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(f"Give a reason to {action} the match.", fields={"reason": ["A reason is required."]})
    return reason


@transaction.atomic
def match_approve(*, match: Match, by: User) -> Match:
    """Approve a requested or proposed match, keeping the mentor within capacity, and notify both people. The
    trainee's other requests and proposals in the program are closed: they can never be approved now."""
    ensure_coordinator(user=by, program=match.program)
    # Approvals for one trainee queue on the trainee row (taken first, as a request does), so closing the other
    # requests below never waits on a second approval that waits on us.
    TraineeProfile.objects.select_for_update(of=("self",)).filter(pk=match.trainee_id).first()
    # The mentor row is the lock every approval for this mentor queues on: count and compare only while holding it.
    mentor = MentorProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=match.mentor_id)
    match = _lock_match(match)
    if not match.is_undecided():
        raise _already_decided(match)
    for person in (mentor.user, match.trainee.user):
        if not person.is_active:
            raise AccountDeactivated(f"{person}'s account is deactivated: decline the match instead.")
    active = Match.objects.filter(mentor_id=mentor.pk, status=Match.Status.APPROVED).count()
    if active >= mentor.capacity:
        raise MentorAtCapacity(f"{mentor} is at capacity {active}/{mentor.capacity}.")
    if Match.objects.filter(
        program_id=match.program_id, trainee_id=match.trainee_id, status=Match.Status.APPROVED
    ).exists():
        raise TraineeAlreadyMatched(f"{match.trainee} already has an approved mentor in {match.program}.")
    if mentor.assesses.filter(pk=match.trainee_id).exists():
        raise MentorAssessesTrainee(f"{mentor} assesses or supervises {match.trainee}, so they cannot be matched.")
    match.decided_by = by
    match.decided_at = timezone.now()
    try:
        with transaction.atomic():
            match_transition(match=match, to=Match.Status.APPROVED, by=by, fields=("decided_by", "decided_at"))
    except IntegrityError:
        # Two coordinators approving the same trainee with different mentors hold different mentor locks; the
        # one-approved-match-per-program constraint decides, and the loser gets the same clear refusal.
        raise TraineeAlreadyMatched(f"{match.trainee} already has an approved mentor in {match.program}.") from None
    _close_the_others(match, by=by)
    notify(recipient=match.trainee.user, kind="match_approved", about=match)
    notify(recipient=mentor.user, kind="match_approved", about=match)
    return match


def _close_the_others(approved: Match, *, by: User) -> None:
    """Cancel the trainee's other undecided matches in the program (a request to another mentor, a round's
    proposal), each with the reason in its history, and the reminders queued about them."""
    others = (
        Match.objects.select_for_update(of=("self",))
        .filter(program_id=approved.program_id, trainee_id=approved.trainee_id, status__in=Match.UNDECIDED)
        .exclude(pk=approved.pk)
    )
    reason = f"{approved.mentor} was approved as mentor in {approved.program}."
    for other in others:
        _record_decision(other, to=Match.Status.CANCELLED, by=by, reason=reason)
        notifications_cancel(about=other)


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
    if not match.is_undecided():
        raise _already_decided(match)
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
    if match.status != Match.Status.APPROVED:
        raise MatchNotActive(f"Only an approved match can be ended; this one is {match.get_status_display().lower()}.")
    match.ended_at = timezone.now()
    match.end_reason = reason
    match_transition(match=match, to=Match.Status.ENDED, by=by, reason=reason, fields=("ended_at", "end_reason"))
    match_ended.send(sender=Match, match=match, by=by)  # meetings cancels the upcoming ones, in this transaction
    notify(recipient=match.trainee.user, kind="match_ended", about=match)
    notify(recipient=match.mentor.user, kind="match_ended", about=match)
    return match
