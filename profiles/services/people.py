"""Every write to people and their profiles goes through here (HTML views, the API, the admin and the demo).

Profile writes take a plain `data` mapping whose keys are model field names; a key that is absent is left as it
is (the API's PATCH), so a create must bring every required field. Each service validates the whole row before it
writes and raises django.core.exceptions.ValidationError with the offending field named: the HTML forms show it
next to the field, the API handler turns it into a 400. Nothing is written when anything is refused.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.errors import ApplicationError
from profiles.counting import count_in_window
from profiles.models import MentorProfile, TraineeProfile, User
from profiles.names import validate_person_name
from profiles.networks import network_hour_key
from profiles.services.email_confirmation import email_confirm
from profiles.versions import ensure_version, person_version

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
    return _profile_save(profile, _without_the_main_specialty(profile, data), MENTOR_FIELDS, MENTOR_M2M)


def _without_the_main_specialty(profile: MentorProfile, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """`data` with the main specialty the mentor will have taken out of their sub-specialties: the ones sent, or,
    when only a new specialty is sent (the API's PATCH), the ones they have. It may be one of those; kept there,
    their profile would read "Internal Medicine (Internal Medicine)"."""
    if "subspecialties" in data:
        subspecialties = list(data["subspecialties"])
    elif "specialty" in data and profile.pk is not None:
        subspecialties = list(profile.subspecialties.all())
    else:
        return data
    specialty = data.get("specialty") or (profile.specialty if profile.specialty_id else None)
    specialty_id = getattr(specialty, "pk", specialty)
    return {**data, "subspecialties": [s for s in subspecialties if getattr(s, "pk", s) != specialty_id]}


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
