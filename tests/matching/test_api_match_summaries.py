"""`GET /api/v1/matches/` gives each of a match's two people what their pages show of the other: the mentor the
trainee's profile and (once approved) e-mail address, as *My mentees* does; the trainee her mentor's specialty and
address once approved, as *My mentorship* does. Nobody else reads either.

Tried (a reviewer's probe): a mentor on the API found only `{"id", "name"}` of their mentee, though My mentees shows
the mentee's stage, institution, interests, statement and address.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from matching.models import Match
from matching.services.decisions import match_approve, match_end
from matching.services.requests import match_request
from profiles.services.deactivation import user_deactivate
from tests.factories import (
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    approved_match,
    focus_area,
    specialty,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(name="Cardio Mentoring", coordinators=[coordinator])


@pytest.fixture
def story(program: Any, coordinator: Any, mentor: Any, trainee: Any) -> dict[str, Match]:
    """Dr Patel's mentee Tara (asked and approved), Rita's request waiting, Paul proposed by a round, Eddie ended."""
    trainee.institution, trainee.statement = "North Medical School", "I am weighing cardiology."
    trainee.save()
    trainee.focus_areas.set([focus_area(0)])
    trainee.specialty_interests.set([specialty("Cardiology")])
    mentor.capacity = 5
    mentor.save()
    approved = match_approve(
        match=match_request(trainee=trainee, mentor=mentor, program=program, message="Please"), by=coordinator
    )
    rita = TraineeProfileFactory(user__full_name="Rita Requester", user__email="rita@example.org")
    waiting = match_request(trainee=rita, mentor=mentor, program=program, message="Research?")
    paul = TraineeProfileFactory(
        user__full_name="Paul Proposed", user__email="paul@example.org", statement="Proposed, not asked"
    )
    proposed = MatchFactory(program=program, mentor=mentor, trainee=paul, status=Match.Status.PROPOSED)
    eddie = TraineeProfileFactory(
        user__full_name="Eddie Ended", user__email="eddie@example.org", statement="Ended, no longer shared"
    )
    ended = match_approve(
        match=match_request(trainee=eddie, mentor=mentor, program=program, message="Surgery?"), by=coordinator
    )
    ended = match_end(match=ended, by=coordinator, reason="Moved to Denver")
    return {"approved": approved, "waiting": waiting, "proposed": proposed, "ended": ended}


def _rows(user: Any) -> dict[int, dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/matches/")
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def test_the_mentor_reads_of_each_trainee_what_my_mentees_shows(
    login: Any, mentor: Any, story: dict[str, Match]
) -> None:
    rows = _rows(mentor.user)
    page = login(mentor.user).get(reverse("matching-my-mentees")).content.decode()

    assert rows[story["approved"].pk]["trainee_summary"] == {
        "career_stage": 1,
        "career_stage_label": "Clinical student",
        "institution": "North Medical School",
        "specialty_interests": ["Cardiology"],
        "focus_areas": [focus_area(0).name],
        "statement": "I am weighing cardiology.",
        "email": "tara@example.org",
        "left_program": False,
    }
    waiting = rows[story["waiting"].pk]["trainee_summary"]
    assert (waiting["statement"], waiting["email"]) == ("I want help choosing a specialty.", None)
    assert rows[story["proposed"].pk]["trainee_summary"] is None  # a round's proposal: nothing shared yet
    assert rows[story["ended"].pk]["trainee_summary"] is None  # a past mentee's profile is theirs again
    assert all(row["mentor_summary"] is None for row in rows.values())  # that side is the trainee's
    # The page follows the same rules: the address of a mentee only; the profile of a mentee and of a request.
    assert "tara@example.org" in page
    assert "I want help choosing a specialty." in page
    for hidden in ("rita@example.org", "paul@example.org", "eddie@example.org", "Proposed, not", "Ended, no longer"):
        assert hidden not in page
        assert hidden not in str(rows)


def test_the_trainee_reads_her_mentors_specialty_and_address_once_approved(
    login: Any, mentor: Any, trainee: Any, story: dict[str, Match]
) -> None:
    rows = _rows(trainee.user)
    page = login(trainee.user).get(reverse("matching-my-mentorship")).content.decode()

    approved = rows[story["approved"].pk]
    assert approved["mentor_summary"] == {
        "specialty": "Cardiology",
        "email": "maya@example.org",
        "left_program": False,
    }
    assert approved["trainee_summary"] is None  # her own profile is GET /api/v1/me/
    assert "maya@example.org" in page  # as My mentorship shows it

    rita = story["waiting"].trainee
    asking = _rows(rita.user)[story["waiting"].pk]
    assert (asking["mentor_summary"], asking["trainee_summary"]) == (None, None)
    assert "maya@example.org" not in login(rita.user).get(reverse("matching-my-mentorship")).content.decode()
    eddie = story["ended"].trainee
    assert _rows(eddie.user)[story["ended"].pk]["mentor_summary"] is None


def test_the_coordinator_and_an_outsider_read_no_summary(
    coordinator: Any, outsider: Any, story: dict[str, Match]
) -> None:
    rows = _rows(coordinator)

    assert set(rows) == {match.pk for match in story.values()}
    assert all(row["trainee_summary"] is None and row["mentor_summary"] is None for row in rows.values())
    assert _rows(outsider.user) == {}
    other_mentor = MentorProfileFactory(user__full_name="Dr Other")
    assert _rows(other_mentor.user) == {}


def test_someone_who_left_is_flagged_to_the_other_person(
    program: Any, coordinator: Any, mentor: Any, trainee: Any
) -> None:
    left_by_trainee = approved_match(mentor=mentor, trainee=trainee, program=program)
    other_mentor = MentorProfileFactory(user__full_name="Dr Lee Left", user__email="lee@example.org")
    left_by_mentor = approved_match(mentor=other_mentor, trainee=TraineeProfileFactory(), program=ProgramFactory())

    user_deactivate(user=trainee.user, by=coordinator)
    user_deactivate(user=other_mentor.user, by=coordinator)

    mentors_row = _rows(mentor.user)[left_by_trainee.pk]["trainee_summary"]
    assert (mentors_row["left_program"], mentors_row["email"]) == (True, "tara@example.org")
    trainees_row = _rows(left_by_mentor.trainee.user)[left_by_mentor.pk]["mentor_summary"]
    assert (trainees_row["left_program"], trainees_row["email"]) == (True, "lee@example.org")


def test_a_page_of_matches_costs_the_same_queries_for_two_mentees_or_twenty(program: Any, mentor: Any) -> None:
    mentor.capacity = 10
    mentor.save()
    client = APIClient()
    client.force_authenticate(mentor.user)

    def add(count: int) -> None:
        for _ in range(count):
            approved_match(mentor=mentor, trainee=TraineeProfileFactory(), program=ProgramFactory())

    add(2)
    with CaptureQueriesContext(connection) as two:
        assert all(row["trainee_summary"] for row in client.get("/api/v1/matches/").json()["results"])
    add(18)
    with CaptureQueriesContext(connection) as twenty:
        assert len(client.get("/api/v1/matches/").json()["results"]) == 20

    assert len(twenty) == len(two)
