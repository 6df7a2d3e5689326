"""What the feedback form and its e-mail promise about who reads an answer, and that the promise holds.

Tried (a reviewer's probe): the form and the e-mail said "your coordinator sees only totals", but a "not a good fit"
answer is written into the match's at-risk reason ("The trainee said it is not a good fit after the first meeting."),
which the program's coordinators read on the health page, the match's admin page, the API and the matches CSV.
The alert stays (it is what the question is for); the wording now says so.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from notifications.rendering import render_email
from tests.factories import MeetingFactory, NotificationFactory, ProgramFactory, approved_match

pytestmark = pytest.mark.django_db

PROMISE = (
    "Your coordinator sees the program's totals, and is alerted, with your answer, if you say it is not a good fit."
)


@pytest.fixture
def first_meeting(mentor: Any, trainee: Any, coordinator: Any) -> Any:
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator])
    match = approved_match(mentor=mentor, trainee=trainee, program=program)
    return MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))


@pytest.mark.parametrize("persona", ["trainee", "mentor"])
def test_the_feedback_form_and_its_email_say_a_not_a_good_fit_answer_alerts_the_coordinator(
    persona: str, request: pytest.FixtureRequest, login: Any, first_meeting: Any
) -> None:
    person = request.getfixturevalue(persona).user
    form = login(person).get(reverse("meetings-feedback", args=[first_meeting.pk])).content.decode()
    row = NotificationFactory(
        kind="meeting_feedback_prompt", recipient=person, object_type="meeting", object_id=first_meeting.pk
    )
    email = render_email(row)

    for text in (form, email.text, email.html):
        assert PROMISE in text
        assert "only totals" not in text


def test_an_outsider_and_the_coordinator_get_no_feedback_form(
    login: Any, outsider: Any, coordinator: Any, first_meeting: Any
) -> None:
    for person in (outsider.user, coordinator):
        assert login(person).get(reverse("meetings-feedback", args=[first_meeting.pk])).status_code == 404


def test_what_the_form_promises_is_what_the_coordinator_reads(
    login: Any, trainee: Any, coordinator: Any, first_meeting: Any
) -> None:
    # The trainee answers "not a good fit": the coordinator reads that answer, and who gave it, on the health page;
    # what the trainee wrote in the free-text boxes stays out of it.
    response = login(trainee.user).post(
        reverse("meetings-feedback", args=[first_meeting.pk]),
        {"rating": "2", "useful": "no", "good_fit": "no", "to_change": "We never agree on a time"},
    )
    assert response.status_code == 302

    match = Match.objects.get(pk=first_meeting.match_id)
    health = login(coordinator).get(reverse("admin:matching_program_health", args=[match.program_id]))
    page = health.content.decode()
    assert "The trainee said it is not a good fit after the first meeting." in page
    assert "We never agree on a time" not in page
