"""Every write to people, profiles and goals goes through here (HTML views, the API, the admin and the demo).

Profile writes take a plain `data` mapping whose keys are model field names; a key that is absent is left as it
is (the API's PATCH), so a create must bring every required field. Each service validates the whole row before it
writes and raises django.core.exceptions.ValidationError with the offending field named: the HTML forms show it
next to the field, the API handler turns it into a 400. Nothing is written when anything is refused.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mentorship.errors import ApplicationError, Conflict, NotAllowed
from profiles.counting import count_in_window
from profiles.email_confirmation import email_confirm
from profiles.models import Goal, MentorProfile, TraineeProfile, User, trainees_today, validate_person_name
from profiles.versions import ensure_version, goal_version, person_version

ProfileT = TypeVar("ProfileT", MentorProfile, TraineeProfile)

_COMMON_FIELDS = ("institution", "career_stage", "time_zone", "meeting_formats")
TRAINEE_FIELDS = (*_COMMON_FIELDS, "statement")
TRAINEE_M2M = ("languages", "focus_areas", "specialty_interests")
MENTOR_FIELDS = (*_COMMON_FIELDS, "specialty", "capacity", "accepting_mentees", "bio")
MENTOR_M2M = ("languages", "focus_areas", "subspecialties", "assesses")
# A profile without these would never be matched sensibly, so an empty list is refused.
_REQUIRED_M2M = {
    "languages": "Choose at least one language you can meet in.",
    "focus_areas": "Choose at least one focus area.",
    "specialty_interests": "Choose at least one specialty (the broad one is fine if you are undecided).",
}
GOAL_FIELDS = ("title", "focus_area", "description", "target_date", "status", "progress")


class TooManySignUps(ApplicationError):
    code = "too_many_sign_ups"
    status = 429


@transaction.atomic
def user_sign_up(
    *, email: str, full_name: str, password: str, network: str | None = None, invited: str | None = None
) -> User:
    """A new account. `invited`: the address an invitation's sign-up link was sent to; signing up with that very
    address confirms it (only its owner could read the link), and such a sign-up sends no e-mail, so only the
    others count against their `network`'s hourly limit (the caller then e-mails a confirmation link)."""
    email = User.objects.normalize_email(email)
    _check_person_name(full_name)
    if invited != email and network is not None:
        _count_sign_up(network)
    user = User.objects.create_user(email=email, password=password, full_name=full_name.strip())
    if invited == email:
        email_confirm(user=user, address=email)
    return user


def network_of(client: str) -> str:
    """An IPv4 address is its own network; an IPv6 client can pick any address of its /64, so the /64 is."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client  # not an address ("unknown"): all such requests share one count
    return str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else client


def client_network(request: HttpRequest) -> str | None:
    """The network (`network_of`) of the request's client: every per-network limit counts by it (django-axes through
    AXES_CLIENT_IP_CALLABLE, the failed sign-in ration, the sign-up limit), so moving within one IPv6 /64 does not
    escape them. The client is REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies what the farthest appended to
    X-Forwarded-For (`_forwarded_client`)."""
    address = _forwarded_client(request) or request.META.get("REMOTE_ADDR")
    return network_of(address) if address else None


def _forwarded_client(request: HttpRequest) -> str | None:
    """The N-th X-Forwarded-For entry from the right (N = TRUSTED_PROXY_COUNT): each trusted proxy appends the address
    it was reached from, so that entry is the client as the farthest one saw it. Anything to its left came from the
    client and is never read. None (use REMOTE_ADDR) without trusted proxies, or with fewer entries or no address
    where the client should be: a proxy that did not append cannot be trusted for the rest."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return None
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < proxies:
        return None
    entry = entries[-proxies].strip()
    # Some proxies append the port as well: "203.0.113.7:51234", "[2001:db8::1]:443".
    if entry.startswith("[") and "]" in entry:
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return None


def network_hour_key(counter: str, network: str) -> str:
    """The cache key of `counter` for the network of the client address `network`."""
    return f"{counter}:{network_of(network)}"


def _count_per_network_hour(counter: str, network: str, refusal: str) -> None:
    """Count one more `counter` for `network` this hour; TooManySignUps(refusal) past SIGN_UPS_PER_NETWORK_PER_HOUR."""
    limit = settings.SIGN_UPS_PER_NETWORK_PER_HOUR
    if limit and count_in_window(network_hour_key(counter, network), 3600) > limit:
        raise TooManySignUps(refusal)


def _count_sign_up(network: str) -> None:
    _count_per_network_hour(
        "sign-ups", network, "Too many accounts were created from your network in the last hour. Try later."
    )


def sign_up_address_taken_count(*, network: str) -> None:
    """Count one "this address has an account" answer to `network`; TooManySignUps past the hourly limit.

    That answer tells whoever asks that a person uses the site (log-in and password reset keep it to themselves).
    It cannot be avoided while signing up signs in at once, so it is rationed: as many an hour as the network may
    create accounts, counted apart from them (probes do not use up a hospital's sign-ups, nor sign-ups its probes).
    """
    _count_per_network_hour(
        "sign-up-address-taken", network, "Too many sign-ups from your network in the last hour. Try later."
    )


def _check_person_name(full_name: str) -> None:
    """validate_person_name's refusal, named by the field (the services save without the model's full_clean)."""
    try:
        validate_person_name(full_name)
    except ValidationError as error:
        raise ValidationError({"full_name": error.messages}) from None


@transaction.atomic
def user_update(*, user: User, data: Mapping[str, Any]) -> User:
    """What a person may change about their own account here: their name (e-mail and password have own flows)."""
    if "full_name" in data:
        full_name = str(data["full_name"]).strip()
        if not full_name:
            raise ValidationError({"full_name": "Enter your name."})
        _check_person_name(full_name)
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return user


@transaction.atomic
def trainee_profile_save(*, user: User, data: Mapping[str, Any]) -> TraineeProfile:
    """Create or update `user`'s trainee profile."""
    profile = TraineeProfile.objects.select_for_update().filter(user=user).first() or TraineeProfile(user=user)
    return _profile_save(profile, data, TRAINEE_FIELDS, TRAINEE_M2M)


@transaction.atomic
def mentor_profile_save(*, user: User, data: Mapping[str, Any]) -> MentorProfile:
    """Create or update `user`'s mentor profile. Subspecialties never repeat the main specialty; the capacity is
    never below the mentees they have now (MentorProfile.clean, checked under this row lock)."""
    profile = MentorProfile.objects.select_for_update().filter(user=user).first() or MentorProfile(user=user)
    if "subspecialties" in data:
        specialty = data.get("specialty") or (profile.specialty if profile.specialty_id else None)
        data = {**data, "subspecialties": [s for s in data["subspecialties"] if s != specialty]}
    return _profile_save(profile, data, MENTOR_FIELDS, MENTOR_M2M)


def _profile_save(profile: ProfileT, data: Mapping[str, Any], fields: Iterable[str], m2m: Iterable[str]) -> ProfileT:
    unknown = set(data) - set(fields) - set(m2m)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in sorted(unknown)})
    creating = profile.pk is None
    changed = [name for name in fields if name in data and (creating or getattr(profile, name) != data[name])]
    for name in changed:
        setattr(profile, name, data[name])
    errors: dict[str, list[str]] = {}
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as error:
        errors.update(error.message_dict)
    for name in m2m:
        missing = (creating and name not in data) or (name in data and not list(data[name]))
        if name in _REQUIRED_M2M and missing:
            errors.setdefault(name, []).append(_REQUIRED_M2M[name])
    if errors:
        raise ValidationError(errors)
    changed_m2m = [name for name in m2m if name in data and (creating or _ids(data[name]) != _held(profile, name))]
    # Nothing changed (an empty section, a form sent back as it was): nothing is saved, so `updated_at` keeps
    # saying when the profile last really changed.
    if creating or changed or changed_m2m:
        profile.save()
    for name in changed_m2m:
        getattr(profile, name).set(list(data[name]))
    return profile


def _ids(objects: Iterable[Any]) -> set[Any]:
    return {getattr(obj, "pk", obj) for obj in objects}


def _held(profile: TraineeProfile | MentorProfile, name: str) -> set[Any]:
    return set(getattr(profile, name).values_list("pk", flat=True))


class ProfileSectionInvalid(ValidationError):
    """A refusal inside one part of a combined update; `section` names the part ("trainee_profile", …)."""

    def __init__(self, section: str, error: ValidationError) -> None:
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.section = section


@transaction.atomic
def person_update(
    *,
    user: User,
    user_data: Mapping[str, Any] | None = None,
    trainee_data: Mapping[str, Any] | None = None,
    mentor_data: Mapping[str, Any] | None = None,
    expected_versions: Collection[str] | None = None,
) -> User:
    """Update a person's account and either profile at once: all of it is saved, or none of it.
    `expected_versions`: the versions (`person_version`) the caller read; any other is `ChangedSinceRead`."""
    if expected_versions is not None:
        # Lock everything the version covers before comparing, so no change slips in before this one is written.
        user = User.objects.select_for_update().get(pk=user.pk)
        list(TraineeProfile.objects.select_for_update().filter(user=user))
        list(MentorProfile.objects.select_for_update().filter(user=user))
        ensure_version(person_version(user), expected_versions, "profile")
    sections = (
        ("user", user_update, user_data),
        ("trainee_profile", trainee_profile_save, trainee_data),
        ("mentor_profile", mentor_profile_save, mentor_data),
    )
    for section, save, data in sections:
        if data is not None:
            try:
                save(user=user, data=data)  # type: ignore[operator]
            except ValidationError as error:
                raise ProfileSectionInvalid(section, error) from error
    return user


GOAL_HORIZON = timedelta(days=3653)


def _validate_goal(goal: Goal, *, today: date, date_changed: bool, state_changed: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    try:
        goal.full_clean(exclude=["trainee"])
    except ValidationError as error:
        errors.update(error.message_dict)
    # A goal that is already overdue stays editable; only a newly chosen date must lie ahead.
    if date_changed and goal.target_date is not None and goal.target_date < today:
        errors.setdefault("target_date", []).append("Choose a target date from today on.")
    if date_changed and goal.target_date is not None and goal.target_date > today + GOAL_HORIZON:
        errors.setdefault("target_date", []).append("Choose a target date within ten years.")
    # The status and the progress must tell the same story (a session's progress moves the status the same way).
    # Checked when either changes: a goal saved before this rule keeps its title edits possible.
    progress = goal.progress if isinstance(goal.progress, int) else 0
    if state_changed and goal.status == Goal.Status.NOT_STARTED and progress > 0:
        errors.setdefault("progress", []).append("A goal not started yet is at 0 %: choose “In progress”.")
    if state_changed and goal.status == Goal.Status.ACHIEVED and progress < 100:
        errors.setdefault("progress", []).append("An achieved goal is at 100 %.")
    if errors:
        raise ValidationError(errors)


def _trainee_of(user: User) -> TraineeProfile:
    trainee = TraineeProfile.objects.filter(user=user).first()
    if trainee is None:
        raise Conflict("Create your trainee profile before adding goals.", code="no_trainee_profile")
    return trainee


def goal_check(*, goal: Goal | None, data: Mapping[str, Any], trainee: TraineeProfile | None = None) -> Goal:
    """The rules a new goal (`goal` None, for `trainee`) or a change to `goal` must meet, checked without saving: the
    services call it, and so can a form that shows a refusal next to its field with what was typed. "Today" is the
    trainee's own date (UTC when a new goal's trainee is not given). Returns the goal as it would be saved; raises
    ValidationError (field → messages)."""
    candidate = Goal() if goal is None else copy.copy(goal)  # `goal` itself stays as it is
    for name in GOAL_FIELDS:
        if name in data:
            setattr(candidate, name, data[name])
    old_state = None if goal is None else (goal.status, goal.progress)
    owner = trainee if goal is None else goal.trainee
    _validate_goal(
        candidate,
        today=trainees_today(owner) if owner is not None else timezone.localdate(),
        date_changed=goal is None or candidate.target_date != goal.target_date,
        state_changed=(candidate.status, candidate.progress) != old_state,
    )
    return candidate


@transaction.atomic
def goal_create(*, user: User, data: Mapping[str, Any]) -> Goal:
    """Add a goal to `user`'s own development plan (they must hold a trainee profile)."""
    trainee = _trainee_of(user)
    goal = goal_check(goal=None, data=data, trainee=trainee)
    goal.trainee = trainee
    if (goal.status, goal.progress) != (Goal.Status.NOT_STARTED, 0):  # a goal begun already says how far it is
        goal.progress_set_by_trainee_on = trainees_today(trainee)
    goal.save()
    return goal


@transaction.atomic
def goal_update(
    *, goal: Goal, user: User, data: Mapping[str, Any], expected_versions: Collection[str] | None = None
) -> Goal:
    """Change `user`'s own goal. A change that changes nothing (an empty PATCH, a form sent back as it was) saves
    nothing, so `updated_at` keeps saying when the goal last really changed. `expected_versions`: the versions
    (`goal_version`) the caller read; any other is `ChangedSinceRead`, checked under the row lock."""
    locked = _own_goal_locked(goal, user)
    ensure_version(goal_version(locked), expected_versions, "goal")
    changed = goal_check(goal=locked, data=data)  # a copy of the locked row, changed
    fields = [name for name in GOAL_FIELDS if getattr(changed, name) != getattr(locked, name)]
    if {"status", "progress"} & set(fields):
        changed.progress_set_by_trainee_on = trainees_today(locked.trainee)
        fields.append("progress_set_by_trainee_on")
    if fields:
        changed.save(update_fields=[*fields, "updated_at"])
    return changed


@transaction.atomic
def goal_progress_record(*, goal: Goal, progress: int) -> Goal:
    """Progress reported in a mentoring session (the caller has checked the goal belongs to the mentee, and that
    nothing newer was recorded since the session: the trainee's own change, `progress_set_by_trainee_on`, included).

    Starting work moves a goal to "in progress", reaching 100 % marks it achieved, and progress below 100 % on an
    achieved goal reopens it (status and progress always agree, as the trainee's own edits must); a dropped goal
    keeps its status. Mentors never edit the goal otherwise: its title, dates and deletion stay the trainee's."""
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    locked.progress = max(0, min(100, progress))
    if locked.status == Goal.Status.NOT_STARTED and locked.progress > 0:
        locked.status = Goal.Status.IN_PROGRESS
    if locked.status == Goal.Status.IN_PROGRESS and locked.progress == 100:
        locked.status = Goal.Status.ACHIEVED
    if locked.status == Goal.Status.ACHIEVED and locked.progress < 100:
        locked.status = Goal.Status.IN_PROGRESS
    locked.save(update_fields=["progress", "status", "updated_at"])
    return locked


@transaction.atomic
def goal_delete(*, goal: Goal, user: User, expected_versions: Collection[str] | None = None) -> None:
    locked = _own_goal_locked(goal, user)
    ensure_version(goal_version(locked), expected_versions, "goal")
    locked.delete()


def _own_goal_locked(goal: Goal, user: User) -> Goal:
    # Views already fetch through the owner's queryset (404 otherwise); this guards every other caller.
    locked = Goal.objects.select_for_update().select_related("trainee").get(pk=goal.pk)
    if locked.trainee.user_id != user.pk:
        raise NotAllowed("Only the trainee who owns a goal may change it.")
    return locked
