"""Unticking Active on someone's account in the admin is their leaving: what waits on them is called off with it, in
the same transaction, and the coordinator is told what was done and what was not (approved matches stay).

Tried without the fix: the admin saved the box and nothing else; the trainee's open request stayed "requested" (the
mentor still read its message), and an accepted meeting with them stayed accepted with its reminders pending.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from matching.models import Match
from matching.services.requests import match_request
from meetings.models import Meeting
from profiles.admin.users import ACTIVE_HELP
from profiles.services import deactivation, token_issue, user_deactivate
from tests.factories import MeetingFactory, MentorProfileFactory, ProgramFactory, approved_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(open_to_all=True, coordinators=[coordinator], name="Cardiology Mentoring")


def _untick_active(client: Any, user: Any) -> Any:
    # The form as a coordinator sends it: e-mail and privileges are read-only for them, Active left unticked.
    url = reverse("admin:profiles_user_change", args=[user.pk])
    return client.post(url, {"email": user.email, "full_name": user.full_name}, follow=True)


def test_unticking_active_in_the_admin_cancels_the_open_request_and_the_upcoming_meeting(
    login: Any, coordinator: Any, trainee: Any, mentor: Any, program: Any
) -> None:
    # Tara has an approved mentor (Dr Patel) with a meeting next week, and asks another mentor in a second program.
    meeting = MeetingFactory(match=approved_match(mentor=mentor, trainee=trainee, program=program))
    research = ProgramFactory(open_to_all=True, coordinators=[coordinator], name="Research Mentoring")
    second = MentorProfileFactory(user__full_name="Dr Ben Okafor")
    request = match_request(trainee=trainee, mentor=second, program=research, message="Research advice")

    response = _untick_active(login(coordinator), trainee.user)

    assert response.status_code == 200
    trainee.user.refresh_from_db()
    assert trainee.user.is_active is False
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    assert Match.objects.get(pk=request.pk).status == Match.Status.CANCELLED
    assert Match.objects.get(pk=meeting.match_id).status == Match.Status.APPROVED  # a coordinator ends it
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Tara Trainee is deactivated: 1 open request or proposal cancelled; 1 upcoming meeting cancelled" in said
    assert "Their approved matches stay until you end them" in said
    assert "Reactivating the account restores none of this." in said


def test_the_active_box_says_what_unticking_it_does(login: Any, coordinator: Any, trainee: Any, program: Any) -> None:
    match_request(trainee=trainee, mentor=approved_match().mentor, program=program, message="")
    page = login(coordinator).get(reverse("admin:profiles_user_change", args=[trainee.user.pk])).content.decode()
    assert ACTIVE_HELP.split(":")[0] in page
    assert "Ticking it again restores none of that." in page


def test_saving_an_account_without_touching_active_calls_nothing_off(
    login: Any, coordinator: Any, trainee: Any, mentor: Any, program: Any
) -> None:
    request = match_request(trainee=trainee, mentor=mentor, program=program, message="")
    url = reverse("admin:profiles_user_change", args=[trainee.user.pk])
    data = {"email": trainee.user.email, "full_name": "Tara T. Trainee", "is_active": "on"}
    assert login(coordinator).post(url, data).status_code == 302
    assert Match.objects.get(pk=request.pk).status == Match.Status.REQUESTED


def test_reactivating_restores_nothing_and_says_so(
    login: Any, coordinator: Any, trainee: Any, mentor: Any, program: Any
) -> None:
    request = match_request(trainee=trainee, mentor=mentor, program=program, message="")
    user_deactivate(user=trainee.user, by=coordinator)
    user = trainee.user
    url = reverse("admin:profiles_user_change", args=[user.pk])
    data = {"email": user.email, "full_name": user.full_name, "is_active": "on"}
    response = login(coordinator).post(url, data, follow=True)
    user.refresh_from_db()
    assert user.is_active is True
    assert Match.objects.get(pk=request.pk).status == Match.Status.CANCELLED
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Tara Trainee is active again. Nothing cancelled when they left comes back" in said


def test_the_deactivation_and_its_effects_are_one_transaction(
    coordinator: Any, trainee: Any, mentor: Any, program: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = match_request(trainee=trainee, mentor=mentor, program=program, message="")
    other_mentor = MentorProfileFactory(user__full_name="Dr Ben Okafor")
    meeting = MeetingFactory(
        match=approved_match(mentor=other_mentor, trainee=trainee), start=timezone.now() + timedelta(days=2)
    )

    def broken(user: Any, by: Any) -> str:
        raise RuntimeError("an app's effect failed")

    monkeypatch.setitem(deactivation._effects, "tests.broken", broken)
    with pytest.raises(RuntimeError):
        user_deactivate(user=trainee.user, by=coordinator)

    trainee.user.refresh_from_db()
    assert trainee.user.is_active is True
    assert Match.objects.get(pk=request.pk).status == Match.Status.REQUESTED
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.ACCEPTED


def test_deactivation_revokes_the_api_token_for_good(coordinator: Any, trainee: Any) -> None:
    token_issue(user=trainee.user)
    user_deactivate(user=trainee.user, by=coordinator)
    assert not Token.objects.filter(user=trainee.user).exists()


def test_every_app_that_owns_something_waiting_on_a_person_registers_its_effect() -> None:
    # profiles cannot import matching or meetings: each registers what it calls off when someone leaves.
    assert {"matching.undecided_matches", "meetings.upcoming_meetings"} <= set(deactivation._effects)
