"""Reads that depend on who asks (their own profiles and goals) and the reference data the forms offer."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from profiles.models import FocusArea, Goal, Language, MentorProfile, Specialty, TraineeProfile, User, known_time_zones

# Regions people actually live in; legacy aliases (US/Eastern, EST5EDT, …) stay valid but are not offered (the
# select still shows one a person already has: profiles.forms.fields.TimeZoneSelect).
_REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
# Outside every region, but chosen on purpose: by people who keep their calendar in it, and the zone a browser
# reports on a machine set to none.
_OFFERED_OUTSIDE_REGIONS = (("UTC", "UTC (Coordinated Universal Time)"),)

#: The select's choices: lone zones first, then (region, zones) groups.
TimeZoneChoices = list[tuple[str, str] | tuple[str, list[tuple[str, str]]]]


def trainee_profile_of(*, user: User) -> TraineeProfile | None:
    return (
        TraineeProfile.objects.filter(user=user)
        .prefetch_related("languages", "focus_areas", "specialty_interests")
        .first()
    )


def has_a_profile(*, user: User) -> bool:
    """A trainee or a mentor profile, either."""
    return TraineeProfile.objects.filter(user=user).exists() or MentorProfile.objects.filter(user=user).exists()


def mentor_profile_of(*, user: User) -> MentorProfile | None:
    return (
        MentorProfile.objects.filter(user=user)
        .select_related("specialty")
        .prefetch_related("languages", "focus_areas", "subspecialties")
        .first()
    )


def accounts_by_email(emails: Iterable[str]) -> dict[str, User]:
    """Accounts keyed by lower-cased e-mail (as lists typed by people carry it), both profiles joined: one query."""
    accounts = (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=set(emails))
        .select_related("trainee_profile", "mentor_profile")
    )
    return {account.email_lower: account for account in accounts}


def profile_in_role(user: User, role: str) -> TraineeProfile | MentorProfile | None:
    """The user's "trainee" or "mentor" profile, or None when they have not made it (free if joined)."""
    return getattr(user, f"{role}_profile", None)


def goal_list_for(*, user: User) -> QuerySet[Goal]:
    """The goals of `user`'s own trainee profile (empty for anyone without one)."""
    return Goal.objects.filter(trainee__user=user).select_related("focus_area", "trainee")


def specialty_tree() -> QuerySet[Specialty]:
    """Top-level specialties, each with its sub-specialties prefetched (for optgroups and the API)."""
    return Specialty.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch("subspecialties", queryset=Specialty.objects.order_by("name"))
    )


def specialty_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Choices grouped by parent: each group offers the specialty itself, then its sub-specialties."""
    groups = []
    for parent in specialty_tree():
        options = [(parent.pk, parent.name)] + [(sub.pk, sub.name) for sub in parent.subspecialties.all()]
        groups.append((parent.name, options))
    return groups


def language_list() -> QuerySet[Language]:
    return Language.objects.all()


def focus_area_list() -> QuerySet[FocusArea]:
    return FocusArea.objects.all()


@cache
def time_zone_choices() -> TimeZoneChoices:
    """UTC, then IANA zones grouped by region, with a readable label ("America/New_York" → "New York")."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(known_time_zones()):
        region, _, place = name.partition("/")
        if region in _REGIONS and place:
            grouped.setdefault(region, []).append((name, place.replace("_", " ").replace("/", " / ")))
    return [*_OFFERED_OUTSIDE_REGIONS, *grouped.items()]
