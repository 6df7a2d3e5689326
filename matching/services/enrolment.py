"""Coordinators enrol a cohort in a program from a roster (see `matching.coordination.roster`).

All or nothing: if any line names no account, a deactivated one, one whose address is not confirmed yet, or a
person without the profile their role needs, nobody is enrolled and every such line is reported, so fixing the
sheet and sending it again is safe. With `invite_missing`, people with no account, no confirmed address or no such
profile yet are invited instead (enrolled once they have it: `matching.services.invitations`); a deactivated
account is still a problem.
Enrolling someone already enrolled changes nothing; nobody is ever removed here (`program_unenrol` does that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from matching.coordination.roster import Role, Roster, RosterEntry, RosterProblem
from matching.models import Program, ProgramInvitation, invitation_expiry
from matching.selectors.enrolment import enrolment_problem
from matching.services.invitations import invitations_tell
from matching.services.refusals import ensure_coordinator
from mentorship.errors import ApplicationError
from profiles.models import MentorProfile, TraineeProfile, User
from profiles.selectors import accounts_by_email


class RosterInvalid(ApplicationError):
    code = "roster_invalid"

    def __init__(self, problems: list[RosterProblem], message: str | None = None) -> None:
        count = len(problems)
        what = "1 entry of the list has a problem" if count == 1 else f"{count} entries of the list have problems"
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem.where, []).append(problem.message)
        super().__init__(message or f"{what}, so nobody was enrolled.", fields=fields)
        self.problems = problems


@dataclass(frozen=True)
class Enrolment:
    trainees_added: int
    mentors_added: int
    already_enrolled: int
    open_to_all: bool  # enrolment only limits who takes part once the program is no longer open to everyone
    invited: int = 0  # listed people waiting for an account or profile (new and earlier invitations alike)


@transaction.atomic
def program_enrol(*, program: Program, roster: Roster, by: User, invite_missing: bool = False) -> Enrolment:
    """Enrol every person on the roster in their role (or invite those who cannot take part yet, with
    `invite_missing`), or nobody (RosterInvalid lists every problem)."""
    ensure_coordinator(user=by, program=program)
    problems = list(roster.problems)
    if not roster.entries and not problems:
        raise RosterInvalid(
            [RosterProblem("the list", "it has no e-mail addresses.")], "The list has no e-mail addresses."
        )
    users = accounts_by_email(entry.email for entry in roster.entries)
    trainees: list[TraineeProfile] = []
    mentors: list[MentorProfile] = []
    to_invite: list[RosterEntry] = []
    ready: list[RosterEntry] = []
    for entry in roster.entries:
        user = users.get(entry.email)
        problem = enrolment_problem(user, entry.role)
        if problem is not None and invite_missing and problem[1]:
            to_invite.append(entry)
        elif problem is not None:
            problems.append(RosterProblem(entry.where, f"{entry.email}: {problem[0]}"))
        elif user is not None and entry.role is Role.TRAINEE:
            trainees.append(user.trainee_profile)
            ready.append(entry)
        elif user is not None:
            mentors.append(user.mentor_profile)
            ready.append(entry)
    if problems:
        raise RosterInvalid(sorted(problems, key=_line_order))
    # One enrolment at a time per program, so "already enrolled" counts what this one really found.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    new_trainees = set(trainees) - set(program.trainees.filter(pk__in=[t.pk for t in trainees]))
    new_mentors = set(mentors) - set(program.mentors.filter(pk__in=[m.pk for m in mentors]))
    program.trainees.add(*new_trainees)
    program.mentors.add(*new_mentors)
    for role in Role:
        # Someone invited earlier who now has the profile is enrolled here: their invitation is fulfilled too.
        emails = [e.email for e in ready if e.role is role]
        pending = program.invitations.filter(enrolled_at__isnull=True, role=role)
        pending.filter(email__in=emails).update(enrolled_at=timezone.now())
        # Listed again after their invitation expired: it is renewed (and its e-mails go out again, below).
        invited_again = [e.email for e in to_invite if e.role is role]
        pending.filter(email__in=invited_again, expires_at__lte=timezone.now()).update(expires_at=invitation_expiry())
    ProgramInvitation.objects.bulk_create(
        [ProgramInvitation(program=program, email=e.email, role=e.role, invited_by=by) for e in to_invite],
        ignore_conflicts=True,  # invited before: still one invitation
    )
    wanted = {(e.email, e.role) for e in to_invite}
    invited = program.invitations.filter(enrolled_at__isnull=True, email__in=[email for email, _ in wanted])
    invitations_tell([(i, users.get(i.email)) for i in invited if (i.email, i.role) in wanted])
    return Enrolment(
        trainees_added=len(new_trainees),
        mentors_added=len(new_mentors),
        already_enrolled=len(trainees) + len(mentors) - len(new_trainees) - len(new_mentors),
        open_to_all=program.open_to_all,
        invited=len(to_invite),
    )


def _line_order(problem: RosterProblem) -> tuple[str, int]:
    """ "line 9" before "line 10"; in the API, "trainees[2]" before "trainees[10]"."""
    place, number = re.fullmatch(r"(.*?)[ \[]?(\d*)\]?", problem.where).groups()  # type: ignore[union-attr]
    return place, int(number or 0)
