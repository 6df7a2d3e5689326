"""Reads of matches and rounds that depend on who asks: a person's own matches, a coordinator's programs."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from matching.models import Match, MatchingRound, Program
from profiles.models import User


def coordinated_programs(*, user: User) -> QuerySet[Program]:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Program.objects.none()
    if user.is_superuser:
        return Program.objects.all()
    return Program.objects.filter(coordinators=user)


#: How many programs the home page and the admin index list (coordinators rarely run more than a handful; the
#: admin's program list has them all).
SHOWN_PROGRAMS = 20


def program_queues(*, user: User) -> QuerySet[Program]:
    """The coordinator's active programs, each with what waits for them (one query): `requests_waiting`
    (trainees' requests to decide), `proposals_waiting` (a round's proposals to review) and `at_risk` (approved
    matches flagged by the check-ins or inactivity)."""
    waiting = {
        "requests_waiting": Q(matches__status=Match.Status.REQUESTED),
        "proposals_waiting": Q(matches__status=Match.Status.PROPOSED),
        "at_risk": Q(matches__status=Match.Status.APPROVED, matches__at_risk_since__isnull=False),
    }
    return (
        coordinated_programs(user=user)
        .filter(is_active=True)
        .annotate(**{name: Count("matches", filter=rule) for name, rule in waiting.items()})
        .order_by("name")
    )


def match_list_for(*, user: User) -> QuerySet[Match]:
    """Matches where the user is the trainee or the mentor, plus every match of the programs they coordinate."""
    mine = Q(trainee__user=user) | Q(mentor__user=user)
    programs = coordinated_programs(user=user)
    if programs.exists():
        mine |= Q(program__in=programs.values("pk"))
    return (
        Match.objects.filter(mine)
        .select_related("program", "trainee__user", "mentor__user", "decided_by")
        .order_by("-created_at", "-pk")
    )


def round_list_for(*, user: User) -> QuerySet[MatchingRound]:
    """The rounds of the programs `user` coordinates, each with `proposal_count` (the matches it proposed), so a
    page of rounds is one query."""
    return (
        MatchingRound.objects.filter(program__in=coordinated_programs(user=user).values("pk"))
        .select_related("program")
        .annotate(proposal_count=Count("proposals"))
        .order_by("-created_at", "-pk")  # a query that counts ignores the model's ordering
    )
