"""Greeting people by their first name when their full name starts with more than one title."""

from __future__ import annotations

from typing import Any

import pytest

from profiles.names import first_name
from tests.factories import MentorProfileFactory


@pytest.mark.parametrize(
    ("full_name", "greeted"),
    [
        ("Prof. Dr. Hans Müller", "Hans"),
        ("Dr. Prof. Li Wei", "Li"),
        ("Prof Dr Amara Okafor", "Amara"),
        ("prof. dr. mr. Jan de Vries", "Jan"),
    ],
)
def test_every_leading_title_is_skipped(full_name: str, greeted: str) -> None:
    assert first_name(full_name) == greeted


@pytest.mark.parametrize(("full_name", "greeted"), [("Dr. Prof.", "Prof."), ("Prof Dr", "Dr"), ("Dr", "Dr")])
def test_a_name_made_only_of_titles_is_greeted_by_its_last_one(full_name: str, greeted: str) -> None:
    assert first_name(full_name) == greeted


@pytest.mark.django_db
def test_a_professor_and_doctor_is_welcomed_by_first_name_on_the_home_page(login: Any) -> None:
    mentor = MentorProfileFactory(user__full_name="Prof. Dr. Hans Müller")
    page = login(mentor.user).get("/").content.decode()
    assert "Welcome, Hans." in page
    assert "Welcome, Dr." not in page
