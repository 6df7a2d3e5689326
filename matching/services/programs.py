"""Coordinators save a program: its settings and its coordinators (the program page in the admin).

Who takes part is not on that page: people are enrolled by e-mail address (*Enrol from a list*, `program_enrol`)
and removed from the mentor and trainee lists (*Remove from program…*, `program_unenrol`), so the page stays the
same size however many people a program has.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from matching.models import Program
from matching.models.programs import weights_in_full
from matching.services.refusals import NotProgramCoordinator, ensure_coordinator
from mentorship.errors import ApplicationError
from profiles.models import COORDINATORS_GROUP, User


class ProgramInvalid(ApplicationError):
    """A setting the model refuses (weights the engine cannot score with, a reminder after the expiry, …);
    `fields` names each."""

    code = "program_invalid"


def program_coordinators_refusal(*, program: Program, by: User, coordinators: Iterable[User]) -> str | None:
    """Why `by` may not save `program` with these coordinators, or None. A coordinator may hand a program over by
    leaving it, as long as another active coordinator stays: a program nobody coordinates has nobody to decide its
    matches and requests."""
    if by.is_superuser or program.pk is None or any(user.pk == by.pk for user in coordinators):
        return None
    if any(user.is_active and user.is_staff for user in coordinators):
        return None
    return (
        "You are the program's only active coordinator: tick another coordinator to hand it over to before you "
        "leave it, or stay one of its coordinators."
    )


OPENING_REFUSED = (
    "Only a site administrator can open a program to everyone on the site: a program open to all lets its "
    "coordinators' rounds propose, and so see, anyone who uses the site. Enrol its people instead (Enrol from a list)."
)


def program_may_be_open(*, program: Program, by: User) -> bool:
    """Whether `by` may save `program` open to all. A superuser may; a coordinator may keep a program open that
    already is (or close it), but not open one (a new one included): otherwise any coordinator could make a program
    of the whole site and, through a round's proposals, see every other program's people."""
    return by.is_superuser or (
        program.pk is not None and Program.objects.filter(pk=program.pk, open_to_all=True).exists()
    )


def program_opening_refusal(*, program: Program, by: User) -> str | None:
    """Why `by` may not save `program` as it is set (open to all), or None: see `program_may_be_open`."""
    if not program.open_to_all or program_may_be_open(program=program, by=by):
        return None
    return OPENING_REFUSED


@transaction.atomic
def program_save(*, program: Program, by: User, coordinators: Iterable[User]) -> Program:
    """Save `program` as given (a new one, or one with its changes set on it) with exactly these coordinators. Whoever
    creates a program is one of them (a superuser need not be); a coordinator may leave one only to another active
    coordinator (`program_coordinators_refusal`). Weights left out are stored at their defaults, as they are scored.
    Only a superuser opens a program to all (`program_opening_refusal`). Its mentors and trainees are left as they
    are. Refused whole, nothing saved: NotProgramCoordinator, ProgramInvalid."""
    coordinators = list(coordinators)
    creating = program.pk is None
    if not creating:
        ensure_coordinator(user=by, program=program)
    elif not (by.is_active and by.is_staff):
        raise NotProgramCoordinator("Only coordinators can create programs.")
    refusal = program_coordinators_refusal(program=program, by=by, coordinators=coordinators)
    if refusal:
        raise ProgramInvalid(refusal, fields={"coordinators": [refusal]})
    if (refusal := program_opening_refusal(program=program, by=by)) is not None:
        raise ProgramInvalid(refusal, fields={"open_to_all": [refusal]})
    program.weights = weights_in_full(program.weights)
    try:
        program.full_clean()
    except ValidationError as error:
        raise ProgramInvalid(" ".join(error.messages), fields=error.message_dict) from None
    program.save()
    program.coordinators.set(coordinators)
    if creating and not by.is_superuser:
        # Whoever creates a program coordinates it: it is theirs to set up before they hand it over.
        program.coordinators.add(by)
    _grant_coordinator_permissions([*coordinators, by] if creating else coordinators)
    return program


def _grant_coordinator_permissions(people: Iterable[User]) -> None:
    """Put each staff account named a coordinator in the Coordinators group, whose permissions the people lists
    and the rest of a coordinator's admin need: named a coordinator from the staff list without it, a program's new
    coordinator could decide its matches but was refused (403) its trainee and mentor lists. Leaving a program
    takes nobody out: the group's permissions show only the programs one coordinates."""
    group = Group.objects.filter(name=COORDINATORS_GROUP).first()  # granted its permissions on every migrate
    staff = [person for person in people if person.is_staff and not person.is_superuser]
    if group is not None and staff:
        group.user_set.add(*staff)
