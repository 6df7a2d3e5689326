from __future__ import annotations

from typing import Any

import pytest

from tests.factories import approved_match


@pytest.fixture
def match(mentor: Any, trainee: Any) -> Any:
    """Dr Maya Patel (New York) mentors Tara Trainee (Chicago) in an approved match."""
    return approved_match(mentor=mentor, trainee=trainee)


@pytest.fixture
def london_la(mentor: Any, trainee: Any) -> Any:
    """Dr Maya Patel mentors from London, Tara Trainee is in Los Angeles: 8 hours apart, and their clocks change on
    different days."""
    mentor.time_zone = "Europe/London"
    mentor.save()
    trainee.time_zone = "America/Los_Angeles"
    trainee.save()
    return approved_match(mentor=mentor, trainee=trainee)
