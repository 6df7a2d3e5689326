"""A proposal waits for an answer only while it can still be answered: once its time has come the services refuse
to accept or move it, so "what's next" (the home page and the to-do API) no longer asks for an answer, and offers
to propose a meeting instead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from freezegun import freeze_time

from meetings import services
from meetings.models import Meeting
from meetings.selectors import to_do_for
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ANSWER_PROMPT = "accept it, suggest another time or decline it"


def proposal_under_way(match: Any, *, by: Any) -> Meeting:
    """A two-hour proposal by `by` that nobody accepted, whose start was half an hour ago."""
    return MeetingFactory(
        match=match,
        status=Meeting.Status.PROPOSED,
        proposed_by=by,
        start=timezone.now().replace(microsecond=0) - timedelta(minutes=30),
        duration_minutes=120,
    )


def test_a_proposal_whose_time_has_come_is_not_listed_as_waiting_for_an_answer(match: Any) -> None:
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    meeting = services.meeting_propose(
        match=match,
        by=match.trainee.user,
        start=start,
        duration_minutes=120,
        format="video",
        video_link="https://video.example.org/r",
    )

    with freeze_time(start - timedelta(minutes=1)):
        assert to_do_for(user=match.mentor.user).to_answer == [meeting]
    with freeze_time(start + timedelta(minutes=30)):
        todo = to_do_for(user=match.mentor.user)
        # Before: listed until its would-be end, 8 hours at most, while accepting it answered "in the past" and
        # the same to-do also asked for a first meeting.
        assert todo.to_answer == []
        assert todo.first_meeting_due == [match]


def test_the_home_page_does_not_ask_to_answer_a_proposal_whose_time_has_come(match: Any, login: Any) -> None:
    proposal_under_way(match, by=match.trainee.user)

    html = login(match.mentor.user).get("/").content.decode()

    assert ANSWER_PROMPT not in html
    assert f'href="/meetings/new/{match.pk}/"' in html  # "No meeting yet with …: propose one"


def test_the_to_do_api_does_not_list_a_proposal_whose_time_has_come_to_answer(match: Any, login: Any) -> None:
    proposal_under_way(match, by=match.trainee.user)
    coming = MeetingFactory(
        match=match,
        status=Meeting.Status.PROPOSED,
        proposed_by=match.trainee.user,
        start=timezone.now() + timedelta(days=2),
    )

    response = login(match.mentor.user).get("/api/v1/meetings/to-do/")

    assert response.status_code == 200
    assert [m["id"] for m in response.json()["to_answer"]] == [coming.pk]
