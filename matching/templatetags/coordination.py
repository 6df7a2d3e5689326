"""Template tags for the coordinators' admin index (a page Django's admin renders, with no view of ours): their
programs and what waits in each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import Case, F, IntegerField, Value, When

from matching.models import Program
from matching.selectors_coordination import SHOWN_PROGRAMS, program_queues
from profiles.models import User

register = template.Library()


@dataclass(frozen=True)
class ShownPrograms:
    """The programs a panel lists, and how many more there are (the admin's program list has them all)."""

    programs: Sequence[Program]
    more: int

    def __bool__(self) -> bool:
        return bool(self.programs)


def programs_waiting_first(*, user: User) -> ShownPrograms:
    """The first SHOWN_PROGRAMS of `user`'s active programs, those with something waiting (a request, a proposal,
    a match at risk) first, then by name: sorted by name alone, a program with a request waiting past the first 20
    was left off without a word."""
    queues = program_queues(user=user).alias(
        waiting=F("requests_waiting") + F("proposals_waiting") + F("at_risk"),
    )
    nothing_waiting_last = Case(When(waiting__gt=0, then=Value(0)), default=Value(1), output_field=IntegerField())
    programs = list(queues.order_by(nothing_waiting_last, "name")[:SHOWN_PROGRAMS])
    more = queues.count() - len(programs) if len(programs) == SHOWN_PROGRAMS else 0
    return ShownPrograms(programs=programs, more=more)


@register.simple_tag(takes_context=True)
def my_program_queues(context: dict[str, Any]) -> ShownPrograms:
    """`{% my_program_queues as shown %}`: the signed-in coordinator's active programs with their counts
    (`requests_waiting`, `proposals_waiting`, `at_risk`) in `shown.programs`, and `shown.more` left off; empty for
    everyone else."""
    return programs_waiting_first(user=context["request"].user)
