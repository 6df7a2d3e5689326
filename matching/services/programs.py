"""Coordinators save a program: its settings and its coordinators (the program page in the admin).

Who takes part is not on that page: people are enrolled by e-mail address (*Enrol from a list*, `program_enrol`)
and removed from the mentor and trainee lists (*Remove from program…*, `program_unenrol`), so the page stays the
same size however many people a program has.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from matching.models import Program
from matching.services.refusals import NotProgramCoordinator, ensure_coordinator
from mentorship.errors import ApplicationError
from profiles.models import User


class ProgramInvalid(ApplicationError):
    """A setting the model refuses (weights the engine cannot score with, a reminder after the expiry, …);
    `fields` names each."""

    code = "program_invalid"


@transaction.atomic
def program_save(*, program: Program, by: User, coordinators: Iterable[User]) -> Program:
    """Save `program` as given (a new one, or one with its changes set on it) with exactly these coordinators; `by`
    stays one of them (a superuser need not be). Its mentors and trainees are left as they are. Refused whole,
    nothing saved: NotProgramCoordinator, ProgramInvalid."""
    if program.pk is not None:
        ensure_coordinator(user=by, program=program)
    elif not (by.is_active and by.is_staff):
        raise NotProgramCoordinator("Only coordinators can create programs.")
    try:
        program.full_clean()
    except ValidationError as error:
        raise ProgramInvalid(" ".join(error.messages), fields=error.message_dict) from None
    program.save()
    program.coordinators.set(coordinators)
    if not by.is_superuser:
        # A coordinator who creates or edits a program never locks themselves out of it.
        program.coordinators.add(by)
    return program
