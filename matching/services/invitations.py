"""People listed for a program before they can take part (no account, or not the profile of their role yet).

`program_enrol(invite_missing=True)` records them; `invitations_fulfil` enrols each as soon as they have an active
account and the profile, from a beat task every few minutes and at the start of every matching round, so a round
never misses someone who signed up since. Claiming rows with SKIP LOCKED lets both run at once without enrolling
anyone twice or waiting on each other; an enrolment is idempotent anyway.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from matching.models import Program, ProgramInvitation
from matching.services.decisions import ensure_coordinator
from mentorship.errors import Conflict
from profiles.models import User


class InvitationAlreadyUsed(Conflict):
    code = "invitation_already_used"


@transaction.atomic
def invitations_fulfil(*, program: Program | None = None) -> int:
    """Enrol every invited person who now has an active account and the profile of their role; how many."""
    pending = ProgramInvitation.objects.filter(enrolled_at__isnull=True)
    if program is not None:
        pending = pending.filter(program=program)
    invitations = list(pending.select_for_update(skip_locked=True).select_related("program"))
    if not invitations:
        return 0
    users = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in={i.email for i in invitations}, is_active=True)
        .select_related("trainee_profile", "mentor_profile")
    }
    done: list[int] = []
    for invitation in invitations:
        user = users.get(invitation.email)
        if invitation.role == ProgramInvitation.Role.TRAINEE and hasattr(user, "trainee_profile"):
            invitation.program.trainees.add(user.trainee_profile)  # type: ignore[union-attr]
        elif invitation.role == ProgramInvitation.Role.MENTOR and hasattr(user, "mentor_profile"):
            invitation.program.mentors.add(user.mentor_profile)  # type: ignore[union-attr]
        else:
            continue
        done.append(invitation.pk)
    ProgramInvitation.objects.filter(pk__in=done).update(enrolled_at=timezone.now())
    return len(done)


@transaction.atomic
def invitation_withdraw(*, invitation: ProgramInvitation, by: User) -> None:
    """Forget a pending invitation (someone listed by mistake); an enrolled person is removed on the program."""
    ensure_coordinator(user=by, program=invitation.program)
    withdrawn, _ = ProgramInvitation.objects.filter(pk=invitation.pk, enrolled_at__isnull=True).delete()
    if not withdrawn:
        raise InvitationAlreadyUsed(
            f"{invitation.email} is enrolled already: remove them on the program's page if they should not be."
        )
