"""What keeps a listed person out of a program, for enrolment from a list and the invitations still waiting."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from matching.models import Program, ProgramInvitation
from notifications.selectors import pending_about
from profiles.models import User
from profiles.selectors import accounts_by_email, profile_in_role


def enrolment_problem(user: User | None, role: str) -> tuple[str, bool] | None:
    """Why this account cannot be enrolled in this role now, and whether an invitation can wait it out; None
    when nothing does.

    Said of the e-mail address the coordinator typed, never with the account holder's name: any address can be
    typed, and the name (or that someone left) of a person outside the coordinator's programs is not theirs to
    learn from a list."""
    if user is None:
        return f"no account has this e-mail address: ask them to sign up at {reverse('profiles-signup')} first.", True
    if not user.is_active:
        return "the account with this e-mail address is deactivated.", False
    if not user.email_confirmed:
        # Anyone can sign up with any address: only its owner, once they opened the link sent to it, is enrolled.
        return "the account with this e-mail address has not confirmed it yet (every page offers them the link).", True
    if profile_in_role(user, role) is None:
        return (
            f"the account with this e-mail address has no {role} profile yet (ask them to create it under My profile).",
            True,
        )
    return None


def resend_refusal(invitation: ProgramInvitation, account: User | None) -> str | None:
    """Why sending a pending invitation's message again would reach nobody who can act on it; None when it can
    be sent (how recently the last one left is the service's to check)."""
    email = invitation.email
    if invitation.is_expired():
        return f"The invitation of {email} has expired: list them again to renew and send it."
    if not invitation.program.is_active:
        return f"{invitation.program} is not active: its invitations wait until it is again."
    if account is None:
        return None
    problem = enrolment_problem(account, invitation.role)
    if problem is None:
        return f"{email} is ready: they are enrolled within a few minutes."
    if not account.is_active or not account.email_confirmed:
        return f"Nothing is sent: {problem[0]}"
    return None


@dataclass(frozen=True)
class WaitingInvitation:
    invitation: ProgramInvitation
    waiting_for: str  # what still keeps them out, or that the next run of the task enrols them
    can_send_again: bool  # whether "Send again" could reach someone who can act on it


def invitations_waiting(program: Program) -> list[WaitingInvitation]:
    """The program's invitations not fulfilled yet, each with what it waits for (four queries)."""
    invitations = list(program.invitations.filter(enrolled_at__isnull=True).select_related("invited_by", "program"))
    accounts = accounts_by_email(i.email for i in invitations)
    # A message still queued leaves within minutes: "Send again" would only be refused, so it is not offered.
    queued = {
        kind: set(pending_about(kind=kind, about=ProgramInvitation))
        for kind in ("program_invitation_signup", "program_invitation")
    }
    waiting = []
    for invitation in invitations:
        account = accounts.get(invitation.email)
        problem = enrolment_problem(account, invitation.role)
        if invitation.is_expired():
            reason = f"nothing any more: it expired on {invitation.last_day:%d %b %Y}; list them again to renew it"
        elif account is None:
            reason = "an account (this address is e-mailed the invitation with a sign-up link)"
        elif problem:
            reason = problem[0]
        elif not program.is_active:
            reason = "the program to be active again (invitations to an inactive program wait)"
        else:
            reason = "nothing: enrolled within a few minutes, or at the next round"
        kind = "program_invitation_signup" if account is None else "program_invitation"
        sendable = resend_refusal(invitation, account) is None and invitation.pk not in queued[kind]
        waiting.append(WaitingInvitation(invitation, reason, sendable))
    return waiting
