"""A chosen id the database cannot hold (or that is not a number) is "Select a valid choice" next to its field.

Before the fix SQLite (`make run`'s database) raised OverflowError on "99999999999999999999999" (and 2**63) in every
profile form's multi-select: a 500 instead of the form shown again; "²" and "1.0" were "is not a valid value". The
single selects (the mentor's specialty, the goal's focus area) passed already, Django's exact lookup treats an
out-of-range integer as no match: their tests keep it so.
"""

from __future__ import annotations

from typing import Any

import pytest

from profiles.models import Goal, MentorProfile, TraineeProfile
from tests.profiles.helpers import field_errors, mentor_post, trainee_post

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
NOT_IDS = [HUGE, "9223372036854775808", "0", "-3", "²", "1.0"]


@pytest.mark.parametrize("value", NOT_IDS)
@pytest.mark.parametrize("field", ["languages", "focus_areas", "specialty_interests"])
def test_a_trainee_form_multi_select_refuses_what_is_not_an_id(
    login: Any, coordinator: Any, field: str, value: str
) -> None:
    chosen = [*trainee_post()[field], value]
    response = login(coordinator).post("/me/trainee/", trainee_post(**{field: chosen}))
    assert response.status_code == 400  # refused: the page again, with why
    assert any("Select a valid choice" in error for error in field_errors(response, field))
    assert TraineeProfile.objects.count() == 0


@pytest.mark.parametrize("value", NOT_IDS)
@pytest.mark.parametrize("field", ["languages", "focus_areas", "subspecialties"])
def test_a_mentor_form_multi_select_refuses_what_is_not_an_id(login: Any, mentor: Any, field: str, value: str) -> None:
    response = login(mentor.user).post("/me/mentor/", mentor_post(**{field: [value]}))
    assert response.status_code == 400  # refused: the page again, with why
    assert any("Select a valid choice" in error for error in field_errors(response, field))
    mentor.refresh_from_db()
    assert mentor.institution == "City Teaching Hospital"
    assert MentorProfile.objects.count() == 1


@pytest.mark.parametrize("value", [HUGE, "0", "²"])
def test_the_mentor_specialty_select_refuses_what_is_not_an_id(login: Any, mentor: Any, value: str) -> None:
    response = login(mentor.user).post("/me/mentor/", mentor_post(specialty=value))
    assert response.status_code == 400  # refused: the page again, with why
    assert any("Select a valid choice" in error for error in field_errors(response, "specialty"))


@pytest.mark.parametrize("value", [HUGE, "0", "²"])
def test_the_goal_form_focus_area_refuses_what_is_not_an_id(login: Any, trainee: Any, value: str) -> None:
    data = {"title": "Submit the abstract", "focus_area": value, "status": "not_started", "progress": "0"}
    response = login(trainee.user).post("/me/goals/new/", data)
    assert response.status_code == 400  # refused: the page again, with why
    assert any("Select a valid choice" in error for error in field_errors(response, "focus_area"))
    assert not Goal.objects.exists()
