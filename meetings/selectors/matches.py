"""Matches and goals as their mentor and trainee see them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from matching.models import Match
from matching.selectors_coordination import MENTOR_SEES
from profiles.models import Goal, User


def matches_for(*, user: User) -> QuerySet[Match]:
    """The user's matches as the API lists them to each: every one she is the trainee of, and those he is the mentor
    of in `MENTOR_SEES`. A request declined, cancelled or expired is between the trainee and the coordinator: its
    page (and its log and check-in pages) is not found for its mentor, as the API does not list it to him."""
    return Match.objects.filter(Q(trainee__user=user) | Q(mentor__user=user, status__in=MENTOR_SEES)).select_related(
        "program", "mentor__user", "trainee__user"
    )


def match_for(*, user: User, pk: int) -> Match:
    """The match if `user` is its mentor or trainee; Match.DoesNotExist otherwise (views answer 404)."""
    return matches_for(user=user).get(pk=pk)


def goals_in_matches_of(*, user: User) -> QuerySet[Goal]:
    """Goals of the trainees of the user's approved or ended matches (his own included): those a session log may
    name. A trainee who only asked, or was turned down, keeps her goals to herself (`session_log_refusal`'s rule),
    and once a match has ended, the goals she set after its end (`goals_for_logs_of`'s rule)."""
    under_way_then = matches_for(user=user).filter(
        Q(status=Match.Status.APPROVED)
        | Q(status=Match.Status.ENDED, ended_at__isnull=True)
        | Q(status=Match.Status.ENDED, ended_at__gte=OuterRef("created_at")),
        trainee=OuterRef("trainee"),
    )
    return Goal.objects.filter(Exists(under_way_then))


def goals_for_logs_of(match: Match) -> QuerySet[Goal]:
    """The trainee's goals a log of this match may name: all of them while it is under way; once it has ended, only
    those she had by then. The goals she set herself since are no business of her former mentor's, who logs only
    the sessions they held (`goals_in_matches_of` applies the same bound to what an API client may name)."""
    goals = Goal.objects.filter(trainee_id=match.trainee_id)
    if match.status == Match.Status.ENDED and match.ended_at is not None:
        goals = goals.filter(created_at__lte=match.ended_at)
    return goals
