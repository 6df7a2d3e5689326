"""Someone leaves (their account is deactivated, `profiles.services.user_deactivate`): the requests and proposals
still waiting for a decision with them are cancelled, and a trainee whose mentor left is told, so they can ask
someone else. Their approved matches stay: a coordinator ends them (program health lists them).

Registered with profiles when matching starts (`matching.apps`); runs in the deactivation's transaction.
"""

from __future__ import annotations

from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from matching.models import Match
from matching.services.transitions import match_transition
from notifications.services import notify
from profiles.models import User


def departure_reason(user: User) -> str:
    """Why something with `user` was called off, as the other person and the match's history read it."""
    return f"{user} is no longer taking part in the mentorship program."


def matches_cancel_for_departure(*, user: User, by: User | None) -> int:
    """Cancel the requests and proposals still undecided in which `user` is the trainee or the mentor, with the
    reason on the match and in its history (a request's waiting reminders to coordinators go with it). The trainee is
    told when it is their mentor who left. How many."""
    undecided = Match.objects.filter(status__in=Match.UNDECIDED).filter(Q(trainee__user=user) | Q(mentor__user=user))
    # Each row under its lock and still undecided: a coordinator deciding it right now goes first (an approval
    # checks that both accounts are active) or finds it cancelled.
    ids = list(undecided.values_list("pk", flat=True))
    locked = (
        Match.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, status__in=Match.UNDECIDED)
        .select_related("program", "trainee__user", "mentor__user")
        .order_by("pk")
    )
    reason, now = departure_reason(user), timezone.now()
    cancelled = 0
    for match in locked:
        match.decided_by, match.decided_at, match.decision_reason = by, now, reason
        match_transition(
            match=match,
            to=Match.Status.CANCELLED,
            by=by,
            reason=reason,
            fields=("decided_by", "decided_at", "decision_reason"),
        )
        if match.trainee.user_id != user.pk:
            notify(recipient=match.trainee.user, kind="match_cancelled", about=match)
        cancelled += 1
    return cancelled


def departure_close_matches(user: User, by: User | None) -> str:
    """The effect profiles runs on deactivation: what it did, for the coordinator's message."""
    cancelled = matches_cancel_for_departure(user=user, by=by)
    return (
        f"{cancelled} open request{pluralize(cancelled)} or proposal{pluralize(cancelled)} cancelled"
        if cancelled
        else ""
    )
