"""Who may decide a program's matches, and the refusals a decision can end in (each a stable `code` for the API)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Match, Program
from mentorship.errors import ApplicationError, Conflict, NotAllowed
from profiles.models import User


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


def already_decided(match: Match) -> AlreadyDecided:
    who = (match.decided_by.get_full_name() or match.decided_by.email) if match.decided_by else "someone"
    when = date_format(timezone.localtime(match.decided_at), "DATETIME_FORMAT") if match.decided_at else "earlier"
    return AlreadyDecided(
        f"The match of {match.trainee} with {match.mentor} was already {match.get_status_display().lower()} "
        f"by {who} on {when}."
    )
