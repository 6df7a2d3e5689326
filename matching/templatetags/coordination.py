"""Template tags for the coordinators' admin index (a page Django's admin renders, with no view of ours): their
programs and what waits in each."""

from __future__ import annotations

from typing import Any

from django import template

from matching.models import Program
from matching.selectors_coordination import SHOWN_PROGRAMS, program_queues

register = template.Library()


@register.simple_tag(takes_context=True)
def my_program_queues(context: dict[str, Any]) -> list[Program]:
    """`{% my_program_queues as programs %}`: the signed-in coordinator's active programs with their counts
    (`requests_waiting`, `proposals_waiting`, `at_risk`); empty for everyone else."""
    return list(program_queues(user=context["request"].user)[:SHOWN_PROGRAMS])
