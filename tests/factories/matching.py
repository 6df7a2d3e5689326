"""Programs, matches and shortlists (shared by the directory and coordinator tests)."""

from __future__ import annotations

from typing import Any

import factory

from matching.models import Match, MatchingRound, Program, ShortlistEntry
from tests.factories.profiles import MentorProfileFactory, TraineeProfileFactory

__all__ = ["MatchFactory", "MatchingRoundFactory", "ProgramFactory", "ShortlistEntryFactory"]


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    description = "Mentoring for students and residents."
    open_to_all = True

    @factory.post_generation
    def coordinators(obj: Program, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.coordinators.set(extracted)


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    program = factory.SubFactory(ProgramFactory)
    mentor = factory.SubFactory(MentorProfileFactory)
    trainee = factory.SubFactory(TraineeProfileFactory)
    status = Match.Status.PROPOSED
    origin = Match.Origin.ROUND
    score = 72.5
    score_breakdown = factory.LazyFunction(dict)


class MatchingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingRound

    program = factory.SubFactory(ProgramFactory)
    algorithm = MatchingRound.Algorithm.OPTIMAL


class ShortlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    trainee = factory.SubFactory(TraineeProfileFactory)
    mentor = factory.SubFactory(MentorProfileFactory)
    rank = None
