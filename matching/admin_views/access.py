"""Who may use the coordinators' admin pages, and which rows they see.

Coordinators need no Django model permissions: being staff and coordinating programs is what grants access,
and every queryset is cut to the programs they coordinate (superusers see all).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from matching.models import Match, MatchingRound, Program
from matching.selectors_coordination import coordinated_programs
from profiles.models import COORDINATORS_GROUP, User

_CACHE_ATTR = "_matching_is_coordinator"


def is_coordinator(user: User | AnonymousUser) -> bool:
    """Active staff in the Coordinators group or coordinating a program; cached on the user for the request."""
    if not isinstance(user, User) or not (user.is_active and user.is_staff):
        return False  # anonymous (the admin's login and error pages ask too)
    if user.is_superuser:
        return True
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = (
            user.groups.filter(name=COORDINATORS_GROUP).exists() or Program.objects.filter(coordinators=user).exists()
        )
        setattr(user, _CACHE_ATTR, cached)
    return bool(cached)


def programs_for(user: User) -> QuerySet[Program]:
    # The same rule as the site's home page and the API (the admin only lets active staff in anyway).
    return coordinated_programs(user=user)


def matches_for(user: User) -> QuerySet[Match]:
    if user.is_superuser:
        return Match.objects.all()
    return Match.objects.filter(program__in=programs_for(user).values("pk"))


def rounds_for(user: User) -> QuerySet[MatchingRound]:
    if user.is_superuser:
        return MatchingRound.objects.all()
    return MatchingRound.objects.filter(program__in=programs_for(user).values("pk"))
