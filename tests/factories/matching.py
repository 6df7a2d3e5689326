"""Programs, matches and shortlists (shared by the directory and coordinator tests)."""

from __future__ import annotations

import json
from typing import Any

import factory

from matching.models import Match, MatchingRound, Program, ShortlistEntry
from tests.factories.profiles import MentorProfileFactory, TraineeProfileFactory

__all__ = [
    "MatchFactory",
    "MatchingRoundFactory",
    "ProgramFactory",
    "ShortlistEntryFactory",
    "program_admin_form",
    "round_started_and_run",
]


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


def program_admin_form(program: Program, **changes: Any) -> dict[str, Any]:
    """What the program's admin page posts for `program` as it is (its settings and coordinators: the page has no
    mentors or trainees boxes), with `changes` on top: a box left unticked is a change to "" or a missing key."""
    data: dict[str, Any] = {
        "name": program.name,
        "description": program.description,
        "is_active": "on" if program.is_active else "",
        "open_to_all": "on" if program.open_to_all else "",
        "coordinators": [c.pk for c in program.coordinators.all()],
        "weights": json.dumps(program.weights),
        "institution_rule": program.institution_rule,
        "stage_gap_best": program.stage_gap_best,
        "time_zone_cap_hours": "" if program.time_zone_cap_hours is None else program.time_zone_cap_hours,
        "max_open_requests": program.max_open_requests,
        "request_reminder_days": program.request_reminder_days,
        "request_expiry_days": program.request_expiry_days,
        "reminder_lead_hours": json.dumps(program.reminder_lead_hours),
        "first_meeting_days": program.first_meeting_days,
        "inactivity_days": program.inactivity_days,
        "first_checkin_days": program.first_checkin_days,
        "checkin_every_days": program.checkin_every_days,
    }
    data.update(changes)
    return data


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


def round_started_and_run(program: Any, coordinator: Any, algorithm: str = "optimal") -> Any:
    """Start a round as `coordinator` and run it here, as the worker would (the task's queue is not used)."""
    from matching.models import MatchingRound
    from matching.services.rounds import round_run, round_start

    matching_round = round_start(program=program, algorithm=algorithm, by=coordinator)
    return round_run(matching_round=MatchingRound.objects.get(pk=matching_round.pk))
