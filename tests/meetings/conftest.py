from __future__ import annotations

from typing import Any

import pytest

from tests.factories import approved_match


@pytest.fixture
def match(mentor: Any, trainee: Any) -> Any:
    """Dr Maya Patel (New York) mentors Tara Trainee (Chicago) in an approved match."""
    return approved_match(mentor=mentor, trainee=trainee)
