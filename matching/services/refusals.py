"""Who may decide a program's matches, and the refusals a decision can end in (each a stable `code` for the API)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Match, MatchTransition, Program
from mentorship.errors import ApplicationError, Conflict, NotAllowed
from profiles.models import User


class NotProgramCoordinator(NotAllowed):
    code = "not_program_coordinator"


class AlreadyDecided(Conflict):
    code = "already_decided"


class AlreadyApproved(AlreadyDecided):
    """Declining a match that is approved: it is under way, and what a coordinator can do is end it. (A subclass,
    so callers that handle every decided match alike still catch it.)"""

    code = "already_approved"


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


class ConflictOfInterest(NotAllowed):
    code = "conflict_of_interest"


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


def ensure_not_a_party(*, match: Match, by: User) -> None:
    """A coordinator never decides a match they are the mentor or the trainee of (a conflict of interest), whatever
    else they may do: another coordinator of the program must. Superusers too."""
    if by.pk == match.mentor.user_id:
        side = "mentor"
    elif by.pk == match.trainee.user_id:
        side = "trainee"
    else:
        return
    raise ConflictOfInterest(
        f"You are the {side} in this match: another coordinator of {match.program} must decide it "
        "(conflict of interest)."
    )


def already_decided(match: Match, *, last: MatchTransition | None = None) -> AlreadyDecided:
    """Who decided the match, when, and (when it was not a coordinator's decision) why. A trainee's cancellation,
    an expiry or a new round replacing a proposal leave no decision on the match, only a history entry (`last`,
    looked up when not given): without it a coordinator read "cancelled by someone on earlier"."""
    if match.decided_by is None and last is None:
        last = match.transitions.status_changes().select_related("by").order_by("-at", "-pk").first()
    by = match.decided_by or (last.by if last else None)
    at = match.decided_at or (last.at if last else None)
    why = last.reason if last and match.decided_by is None else ""
    said = f"The match of {match.trainee} with {match.mentor} was already {match.get_status_display().lower()}"
    if by is not None:
        said += f" by {by.get_full_name() or by.email}"
    if at is not None:
        said += f" on {date_format(timezone.localtime(at), 'DATETIME_FORMAT')}"
    return AlreadyDecided(f"{said} ({why})." if why else f"{said}.")


#: Who reads a decision's reason, said by the admin's reason page and the API's schema alike: a coordinator writes
#: it for the people who will read it.
DECLINE_REASON_READ_BY = (
    "Recorded in each match's history; the trainee reads it, in the e-mail and under My requests (the mentor does not)."
)
END_REASON_READ_BY = (
    "Recorded in each match's history; both the trainee and the mentor read it, in the e-mail that tells them the "
    "mentorship has ended and on their pages (My mentorship, My requests; My mentees)."
)

#: What a coordinator can do instead, said by the API's refusal and the admin's reason page alike.
END_INSTEAD = "An approved match cannot be declined: end it instead (with a reason), which frees the mentor's place."
DECLINE_INSTEAD = "A match still waiting for a decision cannot be ended: decline it instead."


def approved_cannot_be_declined(match: Match) -> AlreadyApproved:
    """Declining an approved match: who approved it and when, and what can be done instead (the admin offers only
    End… on such a match, the API its /end/)."""
    said = already_decided(match).message
    return AlreadyApproved(f"{said} {END_INSTEAD}")


def not_active(match: Match) -> MatchNotActive:
    """Ending a match that is not approved; one still waiting for a decision can be declined instead."""
    said = f"Only an approved match can be ended; this one is {match.get_status_display().lower()}"
    return MatchNotActive(f"{said}: decline it instead." if match.is_undecided() else f"{said}.")
