from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from profiles.models import (
    COORDINATORS_GROUP,
    CareerStage,
    FocusArea,
    Goal,
    Language,
    MeetingFormat,
    MentorProfile,
    Specialty,
    TraineeProfile,
    User,
)

__all__ = [
    "CoordinatorFactory",
    "GoalFactory",
    "MentorProfileFactory",
    "TraineeProfileFactory",
    "UserFactory",
    "english",
    "focus_area",
    "language",
    "specialty",
]

DEFAULT_PASSWORD = "correct-horse-battery-staple"


def specialty(name: str = "Internal Medicine") -> Specialty:
    return Specialty.objects.get(name=name)


def focus_area(position: int = 0) -> FocusArea:
    return FocusArea.objects.get(position=position)


def language(code: str) -> Language:
    return Language.objects.get(code=code)


def english() -> Language:
    return language("en")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    email_confirmed_at = factory.LazyFunction(timezone.now)  # UserFactory(email_confirmed_at=None): not confirmed yet
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class CoordinatorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def coordinators_group(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.groups.add(Group.objects.get(name=COORDINATORS_GROUP))


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    specialty = factory.LazyFunction(lambda: specialty("Cardiology"))
    career_stage = CareerStage.MID_CAREER
    institution = "City Teaching Hospital"
    time_zone = "America/New_York"
    meeting_formats = MeetingFormat.VIDEO | MeetingFormat.IN_PERSON
    capacity = 2
    accepting_mentees = True
    bio = factory.Faker("paragraph")

    @factory.post_generation
    def languages(obj: MentorProfile, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.languages.set(extracted if extracted is not None else [english()])

    @factory.post_generation
    def focus_areas(obj: MentorProfile, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.focus_areas.set(extracted if extracted is not None else [focus_area(0), focus_area(3)])


class TraineeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraineeProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    career_stage = CareerStage.CLINICAL_STUDENT
    institution = "City Medical School"
    time_zone = "America/Chicago"
    meeting_formats = MeetingFormat.VIDEO
    statement = "I want help choosing a specialty."

    @factory.post_generation
    def languages(obj: TraineeProfile, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.languages.set(extracted if extracted is not None else [english()])

    @factory.post_generation
    def focus_areas(obj: TraineeProfile, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.focus_areas.set(extracted if extracted is not None else [focus_area(0)])

    @factory.post_generation
    def specialty_interests(obj: TraineeProfile, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.specialty_interests.set(extracted if extracted is not None else [specialty("Cardiology")])


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    trainee = factory.SubFactory(TraineeProfileFactory)
    title = factory.Sequence(lambda n: f"Goal {n}: submit an abstract")
    status = Goal.Status.IN_PROGRESS
    progress = 20
