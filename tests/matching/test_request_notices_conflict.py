"""A coordinator who is a request's mentor (or trainee) is not told of it nor reminded, as they cannot decide it
(`refusals.ensure_not_a_party`): the program's other coordinators are; with no other, the active superusers are.

Tried (a reviewer's probe): `program_coordinators` told every coordinator of the program, so Cora, its only
coordinator and the requested mentor, got "New mentor request" for a match whose page says another coordinator must
decide it, and nobody who could decide it was told: the request expired.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import Match, Program
from matching.services.requests import match_request, match_requests_remind
from notifications import dispatch
from notifications.models import Notification
from tests.factories import (
    CoordinatorFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    UserFactory,
)
from tests.notifications.test_dispatch import Recorder, run_sends

pytestmark = pytest.mark.django_db


@pytest.fixture
def cora_mentors(coordinator: Any) -> Any:
    """Cora coordinates and is also a mentor, the one the trainee requests."""
    return MentorProfileFactory(user=coordinator)


@pytest.fixture
def superuser() -> Any:
    return UserFactory(full_name="Sue Super", email="sue@example.org", is_staff=True, is_superuser=True)


def _request_and_remind(program: Program, trainee: Any, mentor: Any) -> Match:
    match = match_request(trainee=trainee, mentor=mentor, program=program, message="I would like your guidance")
    Match.objects.filter(pk=match.pk).update(created_at=timezone.now() - timedelta(days=program.request_reminder_days))
    match_requests_remind(now=timezone.now())
    return match


def _told(kind: str) -> set[Any]:
    return {n.recipient for n in Notification.objects.filter(kind=kind)}


def _mailed() -> dict[str, set[str]]:
    """Who got the request's e-mail and its reminder, once the due notifications are sent."""
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    run_sends(recorder)
    starts = {"request": "New mentor request", "reminder": "Waiting for a decision"}
    return {
        what: {address for m in mail.outbox if m.subject.startswith(start) for address in m.to}
        for what, start in starts.items()
    }


def test_the_other_coordinator_is_told_and_reminded_not_the_coordinator_who_is_the_mentor(
    coordinator: Any, cora_mentors: Any, superuser: Any, trainee: Any
) -> None:
    carl = CoordinatorFactory(full_name="Carl Colleague", email="carl@example.org")
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator, carl])

    _request_and_remind(program, trainee, cora_mentors)

    assert _told("match_requested") == {carl}
    assert _told("match_request_reminder") == {carl}
    assert _mailed() == {"request": {"carl@example.org"}, "reminder": {"carl@example.org"}}


def test_when_the_only_coordinator_is_the_mentor_the_superusers_are_told_and_reminded(
    coordinator: Any, cora_mentors: Any, superuser: Any, trainee: Any
) -> None:
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator])

    _request_and_remind(program, trainee, cora_mentors)

    assert _told("match_requested") == {superuser}
    assert _told("match_request_reminder") == {superuser}
    assert _mailed() == {"request": {"sue@example.org"}, "reminder": {"sue@example.org"}}
    # The program has an active coordinator: nothing says otherwise (the warning is about who is staffed).
    assert program.active_coordinators().exists()


def test_a_superuser_who_is_the_mentor_is_not_told_either(coordinator: Any, trainee: Any) -> None:
    sam = UserFactory(full_name="Sam Super", is_staff=True, is_superuser=True)
    sue = UserFactory(full_name="Sue Super", is_staff=True, is_superuser=True)
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[])

    _request_and_remind(program, trainee, MentorProfileFactory(user=sam))

    assert _told("match_requested") == {sue}
    assert _told("match_request_reminder") == {sue}


def test_a_request_by_a_trainee_who_coordinates_is_not_told_to_them(
    coordinator: Any, superuser: Any, mentor: Any
) -> None:
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator])

    _request_and_remind(program, TraineeProfileFactory(user=coordinator), mentor)

    assert _told("match_requested") == {superuser}
    assert _told("match_request_reminder") == {superuser}
