"""A request in a program with no active coordinator reaches the active superusers, never other programs'
coordinators, and the admin says the program has no active coordinator.

Tried (a reviewer's probe): `program_coordinators` fell back to the whole Coordinators group, so Cora, who runs
another program, was e-mailed Tara's request (her message and the fit score) and reminded of it, for a match she
cannot open. Tried here: a program naming no coordinator, one whose only coordinator was deactivated or is no longer
staff, and a site with no superuser at all; the pages as a superuser, as Cora, and as people who are not staff.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match, Program
from matching.services.requests import match_request, match_requests_remind
from notifications.models import Notification
from tests.factories import CoordinatorFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

WARNING = "no active coordinator"


@pytest.fixture
def cora(coordinator: Any) -> Any:
    """Cora coordinates Surgery, another program."""
    ProgramFactory(name="Surgery", coordinators=[coordinator])
    return coordinator


@pytest.fixture
def superuser() -> Any:
    return UserFactory(full_name="Sue Super", is_staff=True, is_superuser=True)


def _unstaffed(case: str) -> Program:
    program: Program = ProgramFactory(name="Cardiology Mentoring")
    if case == "deactivated":
        program.coordinators.add(CoordinatorFactory(is_active=False))
    elif case == "no longer staff":
        program.coordinators.add(CoordinatorFactory(is_staff=False))
    return program


def _told(kind: str) -> set[Any]:
    return {n.recipient for n in Notification.objects.filter(kind=kind)}


@pytest.mark.parametrize("case", ["none named", "deactivated", "no longer staff"])
def test_a_request_and_its_reminder_reach_the_superusers_not_other_programs_coordinators(
    case: str, cora: Any, superuser: Any, trainee: Any, mentor: Any
) -> None:
    UserFactory(is_staff=True, is_superuser=True, is_active=False)  # a deactivated superuser is told nothing
    program = _unstaffed(case)

    match = match_request(trainee=trainee, mentor=mentor, program=program, message="I am weighing cardiology")
    Match.objects.filter(pk=match.pk).update(created_at=timezone.now() - timedelta(days=program.request_reminder_days))
    match_requests_remind(now=timezone.now())

    assert _told("match_requested") == {superuser}
    assert _told("match_request_reminder") == {superuser}


def test_with_no_superuser_either_the_request_is_still_saved_and_no_one_else_is_told(
    cora: Any, trainee: Any, mentor: Any
) -> None:
    match = match_request(trainee=trainee, mentor=mentor, program=_unstaffed("none named"), message="Hello")

    assert Match.objects.get(pk=match.pk).status == Match.Status.REQUESTED
    assert not Notification.objects.filter(kind="match_requested").exists()


def test_a_program_with_an_active_coordinator_tells_them_alone(
    cora: Any, superuser: Any, trainee: Any, mentor: Any
) -> None:
    carl = CoordinatorFactory(full_name="Carl Cardio")
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[carl, CoordinatorFactory(is_active=False)])

    match_request(trainee=trainee, mentor=mentor, program=program, message="Hello")

    assert _told("match_requested") == {carl}


@pytest.mark.parametrize("case", ["none named", "deactivated"])
def test_the_health_page_and_the_admin_front_page_warn_the_superuser(case: str, login: Any, superuser: Any) -> None:
    program = _unstaffed(case)
    client = login(superuser)

    health = client.get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
    front = client.get(reverse("admin:index")).content.decode()

    assert f"This program has {WARNING}" in health
    assert reverse("admin:matching_program_change", args=[program.pk]) in health
    cardiology = front.split("Cardiology Mentoring")[1].split("</li>")[0]
    assert "No active coordinator" in cardiology


def test_a_program_with_an_active_coordinator_shows_no_warning(login: Any, cora: Any, superuser: Any) -> None:
    surgery = Program.objects.get(name="Surgery")
    for person in (cora, superuser):
        client = login(person)
        health = client.get(reverse("admin:matching_program_health", args=[surgery.pk])).content.decode()
        assert WARNING not in health.lower()
        assert "No active coordinator" not in client.get(reverse("admin:index")).content.decode()


def test_another_programs_coordinator_cannot_open_the_unstaffed_programs_health(login: Any, cora: Any) -> None:
    program = _unstaffed("none named")
    response = login(cora).get(reverse("admin:matching_program_health", args=[program.pk]))
    assert response.status_code == 404
    assert "Cardiology Mentoring" not in login(cora).get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("persona", ["trainee", "mentor", "outsider"])
def test_people_who_are_not_staff_are_sent_to_the_admins_log_in(
    persona: str, request: pytest.FixtureRequest, login: Any
) -> None:
    program = _unstaffed("none named")
    response = login(request.getfixturevalue(persona).user).get(
        reverse("admin:matching_program_health", args=[program.pk])
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
