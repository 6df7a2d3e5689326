"""People listed for a program before they can take part (no account, or not the profile of their role yet).

`program_enrol(invite_missing=True)` records them; `invitations_fulfil` enrols each as soon as they have an active
account with the address confirmed and the profile, from a beat task every few minutes and at the start of every
matching round, so a round never misses someone who signed up since. Invitation rows are claimed under a row lock,
so concurrent runs never enrol anyone twice (an enrolment is idempotent anyway).

Signing up proves nothing about the address, so an invitation waits until the account's owner opened the link
e-mailed to it (`profiles.services.email_confirmation`): whoever registers a listed address first is not enrolled
for it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from matching.models import INVITATION_REMINDER_DAYS, Program, ProgramInvitation
from matching.selectors.enrolment import resend_refusal
from matching.services.refusals import ensure_coordinator
from mentorship.errors import Conflict
from notifications.selectors import outbox_state, unsent_about
from notifications.services import notifications_cancel, notifications_cancel_many, notify_many
from profiles.models import MentorProfile, TraineeProfile, User
from profiles.selectors import accounts_by_email, profile_in_role


class InvitationAlreadyUsed(Conflict):
    code = "invitation_already_used"


class InvitationCannotBeSent(Conflict):
    code = "invitation_cannot_be_sent"


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
    told = {u.pk: u for u in User.objects.filter(pk__in={i.account_id for i in invitations if i.account_id})}
    # One add per program and role, however many people: (program, role) → profiles.
    batches: dict[tuple[Program, str], list[TraineeProfile | MentorProfile]] = defaultdict(list)
    done: list[int] = []
    need_profile: list[tuple[ProgramInvitation, User | None]] = []
    for invitation in invitations:
        # The account it was told to, whatever its address now; else whoever holds the listed address.
        user = told.get(invitation.account_id or 0) or users.get(invitation.email)
        if user is None or not user.is_active or not user.email_confirmed:
            continue  # no active account with the address confirmed yet
        profile = profile_in_role(user, invitation.role)
        if profile is None:
            need_profile.append((invitation, user))
            continue
        batches[(invitation.program, invitation.role)].append(profile)
        done.append(invitation.pk)
    invitations_tell(need_profile)  # confirmed since they were listed: told now (once)
    for (invited_to, role), profiles in batches.items():
        people = invited_to.trainees if role == ProgramInvitation.Role.TRAINEE else invited_to.mentors
        people.add(*profiles)  # type: ignore[arg-type]
    ProgramInvitation.objects.filter(pk__in=done).update(enrolled_at=timezone.now())
    return len(done)


REMINDER = "program_invitation_reminder"


def invitations_tell(invited: list[tuple[ProgramInvitation, User | None]]) -> None:
    """Tell each invited person, through the outbox, once per invitation and term (a renewal is told again):
    an account holder whose address is confirmed, which profile to make; an address with no account, the
    invitation with its sign-up link, and one reminder a week later (cancelled once the address has an
    account: `invitation_reminders_cancel`). An unconfirmed account is told nothing: whoever holds it may not
    be the person listed; an account told is recorded on its invitation, which then follows the account if its
    address is corrected. Three INSERTs and an UPDATE, however many people."""
    accounts = [(user, i, i.expires_at.isoformat()) for i, user in invited if user is not None and user.email_confirmed]
    addresses = [(i.email, i, i.expires_at.isoformat()) for i, user in invited if user is None]
    notify_many(kind="program_invitation", messages=accounts)
    for user, invitation, _ in accounts:
        invitation.account = user
    ProgramInvitation.objects.bulk_update([i for _, i, _ in accounts], ["account"])
    notify_many(kind="program_invitation_signup", messages=addresses)
    due = timezone.now() + timedelta(days=INVITATION_REMINDER_DAYS)
    notify_many(kind=REMINDER, messages=addresses, due_at=due)


def invitation_reminders_cancel() -> int:
    """Cancel the "you have not signed up yet" reminders of addresses that have an account by now, however
    their invitation stands (enrolled, waiting for a profile, its program inactive); how many."""
    waiting = unsent_about(kind=REMINDER, about=ProgramInvitation)
    if not waiting:
        return 0
    signed_up = ProgramInvitation.objects.filter(pk__in=waiting, email__in=User.objects.values("email"))
    ids = signed_up.values_list("pk", flat=True)
    return notifications_cancel_many(kinds=[REMINDER], about=ProgramInvitation, ids=ids)


RESEND_AFTER = timedelta(hours=1)


@transaction.atomic
def invitation_resend(*, invitation: ProgramInvitation, by: User) -> None:
    """Send a pending invitation's message again ("I never got it"): the sign-up invitation to an address with no
    account, or "make your profile" to a confirmed account holder who has not been told yet or was told over an
    hour ago. Refused while one is still queued, and when it would reach nobody who can act on it. Under the
    invitation's row lock (never the program's), so two coordinators clicking at once send one."""
    ensure_coordinator(user=by, program=invitation.program)
    email = invitation.email
    locked = ProgramInvitation.objects.select_for_update(of=("self",)).select_related("program")
    current = locked.filter(pk=invitation.pk).first()
    if current is None:
        raise InvitationCannotBeSent(f"The invitation of {email} was withdrawn meanwhile.")
    invitation = current
    if invitation.enrolled_at is not None:
        raise InvitationAlreadyUsed(f"{email} is enrolled already.")
    account = accounts_by_email([email]).get(email)
    refusal = resend_refusal(invitation, account)
    if refusal is not None:
        raise InvitationCannotBeSent(refusal)
    kind = "program_invitation_signup" if account is None else "program_invitation"
    state = outbox_state(kind=kind, about=invitation)
    if state.queued:
        raise InvitationCannotBeSent(f"A message to {email} is still waiting to go out: it leaves within minutes.")
    if state.last_sent is None and account is not None:
        invitations_tell([(invitation, account)])  # confirmed since listed, not told yet: the term's message
        return
    if state.last_sent is not None and state.last_sent > timezone.now() - RESEND_AFTER:
        raise InvitationCannotBeSent(f"A message went to {email} less than an hour ago.")
    again = f"{invitation.expires_at.isoformat()}:again:{timezone.now().isoformat()}"
    notify_many(kind=kind, messages=[(account or email, invitation, again)])


@transaction.atomic
def invitation_withdraw(*, invitation: ProgramInvitation, by: User) -> None:
    """Forget a pending invitation (someone listed by mistake); an enrolled person is removed from the program
    instead (`program_unenrol`)."""
    ensure_coordinator(user=by, program=invitation.program)
    notifications_cancel(about=invitation)  # an invitation e-mail not sent yet is not sent
    withdrawn, _ = ProgramInvitation.objects.filter(pk=invitation.pk, enrolled_at__isnull=True).delete()
    if not withdrawn:
        raise InvitationAlreadyUsed(
            f"{invitation.email} is enrolled already: if they should not be, remove them from the program "
            "(“Remove from program…” on the trainee or mentor list)."
        )
