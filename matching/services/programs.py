"""Coordinators save a program: its settings, its coordinators and who takes part (the program page in the admin).

People added by hand are held to the rule *Enrol from a list* applies (`program_enrol`; one rule for both,
`enrolment_problem`): an address not confirmed yet may be anyone's (anyone can sign up with any address), and a
deactivated account takes part in nothing. People enrolled already stay, whatever their state. Unlike the list,
which only adds, the page sends the whole set of people: whoever it leaves out is no longer enrolled.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from matching.coordination.roster import Role
from matching.models import Program
from matching.selectors.enrolment import enrolment_problem
from matching.services.refusals import NotProgramCoordinator, ensure_coordinator
from mentorship.errors import ApplicationError
from profiles.models import MentorProfile, TraineeProfile, User

#: What a coordinator can do instead, said after the people a refusal names.
INVITE_INSTEAD = (
    "Use *Enrol from a list* with “Invite people who cannot take part yet”: they are enrolled once they confirm "
    "their address."
)


class ProgramInvalid(ApplicationError):
    """A setting the model refuses (weights the engine cannot score with, a reminder after the expiry, …);
    `fields` names each."""

    code = "program_invalid"


class NotReadyToEnrol(ApplicationError):
    """People added by hand who cannot take part (yet); `fields` names them under "mentors" and "trainees"."""

    code = "not_ready_to_enrol"


def _not_enrolled(problems: list[str]) -> str:
    return "Not enrolled — " + "; ".join(problems) + ". " + INVITE_INSTEAD


def program_people_refusal(
    *, program: Program, mentors: Iterable[MentorProfile], trainees: Iterable[TraineeProfile]
) -> NotReadyToEnrol | None:
    """Why `program_save` would refuse these mentors and trainees; None when it would not. Checked without saving,
    so a form can show the refusal next to the box it concerns with what was chosen (give the profiles with their
    `user` selected: each newcomer's account is read)."""
    said: dict[str, list[str]] = {}
    for name, role, chosen in (("mentors", Role.MENTOR, mentors), ("trainees", Role.TRAINEE, trainees)):
        before = set(getattr(program, name).values_list("pk", flat=True)) if program.pk else set()
        for profile in chosen:
            problem = None if profile.pk in before else enrolment_problem(profile.user, role)
            if problem is not None:
                said.setdefault(name, []).append(f"{profile.user.email}: {problem[0].rstrip('.')}")
    if not said:
        return None
    everyone = [problem for problems in said.values() for problem in problems]
    return NotReadyToEnrol(
        _not_enrolled(everyone), fields={name: [_not_enrolled(problems)] for name, problems in said.items()}
    )


@transaction.atomic
def program_save(
    *,
    program: Program,
    by: User,
    coordinators: Iterable[User],
    mentors: Iterable[MentorProfile],
    trainees: Iterable[TraineeProfile],
) -> Program:
    """Save `program` as given (a new one, or one with its changes set on it) with exactly these coordinators,
    mentors and trainees; `by` stays one of its coordinators (a superuser need not be). Refused whole, nothing
    saved: NotProgramCoordinator, ProgramInvalid, NotReadyToEnrol."""
    mentors, trainees = list(mentors), list(trainees)
    if program.pk is not None:
        ensure_coordinator(user=by, program=program)
        # One write to a program's people at a time (`program_enrol` too), so "enrolled before" below is what the
        # new set replaces.
        Program.objects.select_for_update().filter(pk=program.pk).first()
    elif not (by.is_active and by.is_staff):
        raise NotProgramCoordinator("Only coordinators can create programs.")
    try:
        program.full_clean()
    except ValidationError as error:
        raise ProgramInvalid(" ".join(error.messages), fields=error.message_dict) from None
    refusal = program_people_refusal(program=program, mentors=mentors, trainees=trainees)
    if refusal is not None:
        raise refusal
    program.save()
    program.coordinators.set(coordinators)
    if not by.is_superuser:
        # A coordinator who creates or edits a program never locks themselves out of it.
        program.coordinators.add(by)
    program.mentors.set(mentors)
    program.trainees.set(trainees)
    return program
