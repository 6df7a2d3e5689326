"""People listed for a program before they can take part (no account, or not the profile of their role yet).

`program_enrol(invite_missing=True)` records them; `invitations_fulfil` enrols each as soon as they have an active
account with the address confirmed and the profile, from a beat task every few minutes and at the start of every
matching round, so a round never misses someone who signed up since. Invitation rows are claimed under a row lock,
so concurrent runs never enrol anyone twice (an enrolment is idempotent anyway).

Signing up proves nothing about the address, so an invitation waits until the account's owner opened the link
e-mailed to it (`profiles.email_confirmation`): whoever registers a listed address first is not enrolled for it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from matching.models import Program, ProgramInvitation
from matching.services.decisions import ensure_coordinator
from mentorship.errors import Conflict
from notifications.selectors import objects_told
from notifications.services import notifications_cancel, notifications_cancel_many, notify
from profiles.models import MentorProfile, TraineeProfile, User
from profiles.selectors import accounts_by_email, profile_in_role


class InvitationAlreadyUsed(Conflict):
    code = "invitation_already_used"


@transaction.atomic
def invitations_fulfil(*, program: Program | None = None, wait: bool = False) -> int:
    """Enrol every invited person who now has an active account, the address confirmed and the profile of their
    role, in programs still active, while the invitation has not expired; how many.

    The beat task skips invitations another run holds (`wait=False`); a round waits for them (`wait=True`), so
    it never reads its cohort while someone who signed up is still being enrolled by the task. Only the
    invitation rows are locked, never the program's (coordinators' enrolments and round starts lock that).
    """
    pending = ProgramInvitation.objects.filter(
        enrolled_at__isnull=True, expires_at__gt=timezone.now(), program__is_active=True
    )
    if program is not None:
        pending = pending.filter(program=program)
    invitations = list(pending.select_for_update(of=("self",), skip_locked=not wait).select_related("program"))
    if not invitations:
        return 0
    users = accounts_by_email(i.email for i in invitations)
    # Whoever has signed up needs no "you have not signed up yet" reminder any more.
    signed_up = [i.pk for i in invitations if i.email in users]
    if signed_up:
        notifications_cancel_many(kind="program_invitation_reminder", about=ProgramInvitation, ids=signed_up)
    # One add per program and role, however many people: (program, role) → profiles.
    batches: dict[tuple[Program, str], list[TraineeProfile | MentorProfile]] = defaultdict(list)
    done: list[int] = []
    need_profile: list[tuple[User, ProgramInvitation]] = []
    for invitation in invitations:
        user = users.get(invitation.email)
        if user is None or not user.is_active or not user.email_confirmed:
            continue  # no active account with the address confirmed yet
        profile = profile_in_role(user, invitation.role)
        if profile is None:
            need_profile.append((user, invitation))
            continue
        batches[(invitation.program, invitation.role)].append(profile)
        done.append(invitation.pk)
    _tell_who_needs_a_profile(need_profile)
    for (invited_to, role), profiles in batches.items():
        people = invited_to.trainees if role == ProgramInvitation.Role.TRAINEE else invited_to.mentors
        people.add(*profiles)  # type: ignore[arg-type]
    ProgramInvitation.objects.filter(pk__in=done).update(enrolled_at=timezone.now())
    return len(done)


def _tell_who_needs_a_profile(waiting: list[tuple[User, ProgramInvitation]]) -> None:
    """Someone who confirmed their address after being listed (and so was not told then) hears which profile to
    fill in; once per invitation, whoever listed them first. One query when nobody is new."""
    if not waiting:
        return
    told = objects_told(kind="program_invitation", about=ProgramInvitation, ids=[i.pk for _, i in waiting])
    for user, invitation in waiting:
        if invitation.pk not in told:
            notify(recipient=user, kind="program_invitation", about=invitation)


@transaction.atomic
def invitation_withdraw(*, invitation: ProgramInvitation, by: User) -> None:
    """Forget a pending invitation (someone listed by mistake); an enrolled person is removed on the program."""
    ensure_coordinator(user=by, program=invitation.program)
    notifications_cancel(about=invitation)  # an invitation e-mail not sent yet is not sent
    withdrawn, _ = ProgramInvitation.objects.filter(pk=invitation.pk, enrolled_at__isnull=True).delete()
    if not withdrawn:
        raise InvitationAlreadyUsed(
            f"{invitation.email} is enrolled already: remove them on the program's page if they should not be."
        )
