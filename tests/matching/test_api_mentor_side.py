"""A mentor's `GET /api/v1/matches/` holds what their *My mentees* page shows, and no more.

Tried (a reviewer's probe): `match_list_for` gave a mentor their matches in every status, with the trainee's
`message` and the coordinator's `decision_reason`. Mentor C read "C has a complaint pending" on the request declined
to them; mentor B read, on the request closed when another mentor was approved, "Miguel Garcia was approved as mentor
in Program 0." and the trainee's message "I am on medical leave". Each is tried here as the mentor, the trainee, the
program's coordinator and an outsider.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from matching.models import Match
from matching.services.decisions import match_approve, match_decline, match_end
from matching.services.requests import match_request
from tests.factories import MentorProfileFactory, ProgramFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db

LEAVE = "I am on medical leave"
COMPLAINT = "C has a complaint pending"


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(name="Program 0", coordinators=[coordinator])


@pytest.fixture
def story(program: Any, coordinator: Any, trainee: Any) -> dict[str, Match]:
    """Tara asks mentors B, C and Miguel; C is declined, Miguel approved (which closes B's), and a second trainee's
    request to B waits. Another mentorship of B's was ended."""
    b = MentorProfileFactory(user__full_name="Dr Bea B", capacity=5)
    c = MentorProfileFactory(user__full_name="Dr Cal C")
    miguel = MentorProfileFactory(user__full_name="Miguel Garcia")
    to_b = match_request(trainee=trainee, mentor=b, program=program, message=LEAVE)
    to_c = match_request(trainee=trainee, mentor=c, program=program, message=LEAVE)
    to_miguel = match_request(trainee=trainee, mentor=miguel, program=program, message=LEAVE)
    match_decline(match=to_c, by=coordinator, reason=COMPLAINT)
    match_approve(match=to_miguel, by=coordinator)
    waiting = match_request(
        trainee=TraineeProfileFactory(user__full_name="Wendy Waiting"), mentor=b, program=program, message="Research?"
    )
    ended = match_request(
        trainee=TraineeProfileFactory(user__full_name="Eddie Ended"), mentor=b, program=program, message="Surgery?"
    )
    match_approve(match=ended, by=coordinator)
    match_end(match=ended, by=coordinator, reason="Eddie moved to Denver")
    for match in (to_b, to_c, to_miguel, waiting, ended):
        match.refresh_from_db()
    return {"to_b": to_b, "to_c": to_c, "to_miguel": to_miguel, "waiting": waiting, "ended": ended}


def _rows(user: Any) -> dict[int, dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/matches/")
    assert response.status_code == 200
    return {row["id"]: row for row in response.json()["results"]}


def test_a_mentor_lists_what_their_my_mentees_page_shows(login: Any, story: dict[str, Match]) -> None:
    b, c = story["to_b"].mentor, story["to_c"].mentor
    # The probe's two closed requests, as they stand in the database.
    assert story["to_b"].status == Match.Status.CANCELLED
    assert story["to_b"].decision_reason == "Miguel Garcia was approved as mentor in Program 0."
    assert (story["to_c"].status, story["to_c"].decision_reason) == (Match.Status.DECLINED, COMPLAINT)

    rows_b, rows_c = _rows(b.user), _rows(c.user)

    assert set(rows_b) == {story["waiting"].pk, story["ended"].pk}
    assert rows_c == {}
    page = login(b.user).get(reverse("matching-my-mentees")).content.decode()
    assert "Wendy Waiting" in page
    assert "Eddie Ended" in page
    assert "Tara Trainee" not in page


def test_a_mentor_reads_the_message_while_a_request_waits_and_never_a_decisions_reason(
    story: dict[str, Match],
) -> None:
    rows = _rows(story["to_b"].mentor.user)

    waiting, ended = rows[story["waiting"].pk], rows[story["ended"].pk]
    assert (waiting["message"], waiting["decision_reason"]) == ("Research?", "")
    assert (ended["message"], ended["decision_reason"], ended["end_reason"]) == ("", "", "Eddie moved to Denver")
    approved = _rows(story["to_miguel"].mentor.user)[story["to_miguel"].pk]
    assert (approved["status"], approved["message"], approved["decision_reason"]) == ("approved", "", "")


def test_the_trainee_still_reads_every_request_with_its_message_and_reason(
    trainee: Any, story: dict[str, Match]
) -> None:
    rows = _rows(trainee.user)

    assert (rows[story["to_c"].pk]["decision_reason"], rows[story["to_c"].pk]["message"]) == (COMPLAINT, LEAVE)
    assert rows[story["to_b"].pk]["decision_reason"] == "Miguel Garcia was approved as mentor in Program 0."
    assert rows[story["to_miguel"].pk]["message"] == LEAVE


def test_the_programs_coordinator_still_reads_everything(coordinator: Any, story: dict[str, Match]) -> None:
    rows = _rows(coordinator)

    assert set(rows) == {m.pk for m in story.values()}
    assert (rows[story["to_c"].pk]["decision_reason"], rows[story["to_c"].pk]["message"]) == (COMPLAINT, LEAVE)


def test_an_outsider_reads_nothing_and_a_mentor_cannot_reach_a_closed_request(
    outsider: Any, story: dict[str, Match]
) -> None:
    assert _rows(outsider.user) == {}
    client = APIClient()
    client.force_authenticate(story["to_c"].mentor.user)
    response = client.post(f"/api/v1/matches/{story['to_c'].pk}/end/", {"reason": "x"}, format="json")
    assert response.status_code == 404
