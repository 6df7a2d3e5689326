"""Whom a coordinator sees in the admin's people pages (users, profiles, goals): the people who take part in a
program they coordinate; superusers see everyone.

Programs belong to a higher app (`matching`), which registers the rule when it starts (`people_scope_register`, as it
registers its querysets with notifications): profiles never imports it. With no rule registered a coordinator sees
nobody, never everybody. It registers the same way what it adds to the mentor and trainee lists
(`people_list_register`: a filter by program, and the action that removes the selected people from one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin import ListFilter
from django.db.models import Model, Q, QuerySet

from profiles.models import MentorProfile, TraineeProfile, User

#: `user` → (the trainees, the mentors) who take part in a program `user` coordinates.
PeopleScope = Callable[[User], tuple[QuerySet[TraineeProfile], QuerySet[MentorProfile]]]

_registered: list[PeopleScope] = []


def people_scope_register(scope: PeopleScope) -> None:
    _registered[:] = [scope]


@dataclass(frozen=True)
class PeopleListExtras:
    """What a higher app adds to the admin's mentor or trainee list: list filters, and actions on the selected
    people (admin action functions; those with `allowed_permissions` are offered to who has them)."""

    list_filter: tuple[type[ListFilter], ...] = ()
    actions: tuple[Callable[..., Any], ...] = ()


#: By profile model. Read each time a list is shown, so the order the apps' admins load in does not matter.
_list_extras: dict[type[Model], PeopleListExtras] = {}


def people_list_register(model: type[TraineeProfile] | type[MentorProfile], extras: PeopleListExtras) -> None:
    _list_extras[model] = extras


def people_list_extras(model: type[Model]) -> PeopleListExtras:
    return _list_extras.get(model, PeopleListExtras())


def _people(user: User) -> tuple[QuerySet[TraineeProfile], QuerySet[MentorProfile]]:
    if not _registered:
        return TraineeProfile.objects.none(), MentorProfile.objects.none()
    return _registered[0](user)


def sees_everyone(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def trainees_for(user: User) -> Q:
    """The filter of the trainee profiles `user` may see (everything for a superuser)."""
    if sees_everyone(user):
        return Q()
    trainees, _ = _people(user)
    return Q(pk__in=trainees.values("pk"))


def mentors_for(user: User) -> Q:
    """The filter of the mentor profiles `user` may see (everything for a superuser)."""
    if sees_everyone(user):
        return Q()
    _, mentors = _people(user)
    return Q(pk__in=mentors.values("pk"))


def users_for(user: User) -> Q:
    """The filter of the accounts `user` may see: those of the trainees and mentors they may see."""
    if sees_everyone(user):
        return Q()
    trainees, mentors = _people(user)
    return Q(pk__in=trainees.values("user_id")) | Q(pk__in=mentors.values("user_id"))


def goals_for(user: User) -> Q:
    """The filter of the goals `user` may see: those of the trainees they may see."""
    if sees_everyone(user):
        return Q()
    trainees, _ = _people(user)
    return Q(trainee__in=trainees.values("pk"))
