"""Download my data (/me/data/): as a trainee, a mentor and a coordinator, the file holds the person's own data
section by section, and never what the pages keep from them: another person's private notes, the at-risk reason of
a match they are in, the other person's feedback before the meeting page shows it, a decline's reason (for the
mentor), the password hash or the API token. It is read in a fixed number of queries and changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from matching.models import Match, MatchTransition
from meetings.models import Feedback
from profiles.data_export import DATA_EXPORTS_PER_HOUR
from tests.api.schema_walk import row_counts
from tests.factories import (
    FeedbackFactory,
    MatchFactory,
    MeetingFactory,
    MentorProfileFactory,
    SessionLogFactory,
    approved_match,
)
from tests.profiles.data_export_scene import (
    AT_RISK_REASON,
    CLEARED_RISK_REASON,
    DECLINE_REASON,
    MENTORS_PRIVATE_NOTE,
    add_sessions,
    build_scene,
)

pytestmark = pytest.mark.django_db

SECTIONS = {
    "exported_at",
    "account",
    "trainee_profile",
    "mentor_profile",
    "goals",
    "notifications",
    "programs",
    "shortlist",
    "invitations",
    "matches",
    "coordination_history",
    "meetings",
    "feedback",
    "check_ins",
    "session_logs",
    "goal_progress",
}


def download(client: Client) -> dict[str, Any]:
    response = client.get("/me/data/")
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get("/me/data/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/me/data/")


def test_the_profile_page_offers_the_download(login: Any, trainee: Any) -> None:
    page = login(trainee.user).get("/me/").content.decode()

    assert 'href="/me/data/"' in page
    assert "Download my data" in page


def test_the_file_is_an_attachment_named_by_the_day_and_kept_by_no_cache(login: Any, trainee: Any) -> None:
    response = login(trainee.user).get("/me/data/")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"')
    assert "no-store" in response["Cache-Control"]
    assert set(json.loads(response.content)) == SECTIONS


def test_a_trainee_downloads_her_data_section_by_section(
    login: Any, trainee: Any, mentor: Any, coordinator: Any
) -> None:
    scene = build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator)

    data = download(login(trainee.user))

    assert data["account"]["email"] == "tara@example.org"
    assert data["account"]["full_name"] == "Tara Trainee"
    assert data["account"]["email_confirmed_at"] is not None
    assert data["trainee_profile"]["time_zone"] == trainee.time_zone
    assert data["trainee_profile"]["languages"] == ["English"]
    assert data["mentor_profile"] is None
    assert [goal["title"] for goal in data["goals"]] == ["Publish case report 0"]
    assert [(p["goal"], p["progress"], p["note"]) for p in data["goal_progress"]] == [
        (scene.goal.pk, 40, "Outline drafted 0")
    ]
    assert data["programs"] == [{"id": scene.match.program_id, "name": "Program A", "roles": ["trainee"]}]
    assert [entry["mentor"] for entry in data["shortlist"]] == ["Dr Maya Patel"]
    [match] = data["matches"]
    assert (match["my_role"], match["other_person"], match["status"]) == ("trainee", "Dr Maya Patel", "approved")
    assert match["message"] == "I would like help publishing my first case report."
    assert match["decided_by"] == "Cora Coordinator"
    assert [(e["from_status"], e["to_status"]) for e in match["history"]] == [
        ("", "requested"),
        ("requested", "approved"),
    ]
    assert [m["agenda"] for m in data["meetings"]] == ["Agenda 0"]
    assert [log["notes_shared"] for log in data["session_logs"]] == ["Shared note 0"]
    assert data["session_logs"][0]["goals"][0]["goal_title"] == "Publish case report 0"
    # Both answered, so the meeting page shows her the mentor's answer too.
    assert {(f["mine"], f["went_well"]) for f in data["feedback"]} == {
        (True, "Trainee's answer 0"),
        (False, "Mentor's answer 0"),
    }
    assert [c["comment"] for c in data["check_ins"]] == ["Fine 0"]
    assert {n["kind"] for n in data["notifications"]} == {"match_approved", "meeting_reminder"}
    assert "Your mentor: Dr Maya Patel" in {n["subject"] for n in data["notifications"]}
    assert data["coordination_history"] == []


def test_a_mentor_downloads_his_data_with_his_own_private_notes(
    login: Any, trainee: Any, mentor: Any, coordinator: Any
) -> None:
    build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator)

    data = download(login(mentor.user))

    assert data["mentor_profile"]["specialty"] == mentor.specialty.name
    assert data["mentor_profile"]["capacity"] == mentor.capacity
    assert data["trainee_profile"] is None
    assert (data["goals"], data["goal_progress"], data["shortlist"]) == ([], [], [])
    [match] = data["matches"]
    assert (match["my_role"], match["other_person"]) == ("mentor", "Tara Trainee")
    [log] = data["session_logs"]
    assert log["written_by_me"] is True
    assert log["notes_private"] == f"{MENTORS_PRIVATE_NOTE} 0"
    assert [c["comment"] for c in data["check_ins"]] == ["Hm 0"]
    assert [n["kind"] for n in data["notifications"]] == ["session_log_prompt"]


def test_a_coordinator_downloads_their_account_programs_and_the_decisions_they_recorded(
    login: Any, trainee: Any, mentor: Any, coordinator: Any
) -> None:
    scene = build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator)

    data = download(login(coordinator))

    assert data["account"]["is_coordinator"] is True
    assert (data["trainee_profile"], data["mentor_profile"]) == (None, None)
    assert data["programs"] == [{"id": scene.match.program_id, "name": "Program A", "roles": ["coordinator"]}]
    assert [(e["match"], e["from_status"], e["to_status"]) for e in data["coordination_history"]] == [
        (scene.match.pk, "requested", "approved"),
        (scene.match.pk, "approved", "approved"),  # the at-risk flag they cleared, with its reason: their program
    ]
    assert data["coordination_history"][0]["reason"] == "Good fit"
    # Not the trainee's and mentor's own data: their matches, meetings and notes are theirs.
    assert (data["matches"], data["meetings"], data["session_logs"]) == ([], [], [])
    assert "Tara Trainee" not in json.dumps(data)


def test_the_file_never_holds_another_persons_private_notes(
    login: Any, trainee: Any, mentor: Any, coordinator: Any
) -> None:
    build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator)
    # A co-mentor's log of the same trainee, in another match: the first mentor does not read its private notes.
    other_mentor = MentorProfileFactory(user__full_name="Dr Omar Other")
    SessionLogFactory(match=approved_match(mentor=other_mentor, trainee=trainee), notes_private="Omar's own note")

    for user in (trainee.user, coordinator):
        body = login(user).get("/me/data/").content.decode()
        assert MENTORS_PRIVATE_NOTE not in body
        assert "Omar's own note" not in body
    trainees_logs = download(login(trainee.user))["session_logs"]
    assert [log["notes_private"] for log in trainees_logs] == [None, None]
    assert "Omar's own note" not in login(mentor.user).get("/me/data/").content.decode()


def test_the_file_never_holds_the_at_risk_reason_of_a_match_the_person_is_in(
    login: Any, trainee: Any, mentor: Any, coordinator: Any
) -> None:
    scene = build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator)
    # Even a coordinator of the program, when they are the match's mentor: the flag is for the other coordinators.
    scene.match.program.coordinators.add(mentor.user)
    mentor.user.is_staff = True
    mentor.user.save()

    for user in (trainee.user, mentor.user):
        body = login(user).get("/me/data/").content.decode()
        assert AT_RISK_REASON not in body
        assert CLEARED_RISK_REASON not in body  # the history's note of a cleared flag quotes its reason
        [match] = json.loads(body)["matches"]
        assert (match["at_risk_since"], match["at_risk_reason"]) == (None, "")


def test_the_other_persons_feedback_is_left_out_until_the_meeting_page_shows_it(
    login: Any, trainee: Any, mentor: Any
) -> None:
    meeting = MeetingFactory(
        match=approved_match(mentor=mentor, trainee=trainee), start=timezone.now() - timedelta(days=1)
    )
    FeedbackFactory(meeting=meeting, author=mentor.user, role="mentor", went_well="Early answer of the mentor")
    client = login(trainee.user)

    assert "Early answer of the mentor" not in client.get("/me/data/").content.decode()
    assert "Early answer of the mentor" not in client.get(f"/meetings/{meeting.pk}/").content.decode()

    FeedbackFactory(meeting=meeting, author=trainee.user, role="trainee", went_well="Hers")
    assert "Early answer of the mentor" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert {f["went_well"] for f in download(client)["feedback"]} == {"Early answer of the mentor", "Hers"}
    assert Feedback.objects.count() == 2


def test_a_mentor_never_reads_a_declines_reason_nor_the_closed_requests_message(
    login: Any, trainee: Any, mentor: Any, coordinator: Any
) -> None:
    declined = MatchFactory(
        mentor=mentor,
        trainee=trainee,
        status=Match.Status.DECLINED,
        origin=Match.Origin.REQUEST,
        message="A message for the declined request",
        decision_reason=DECLINE_REASON,
    )
    MatchTransition.objects.create(
        match=declined, from_status="requested", to_status="declined", by=coordinator, reason=DECLINE_REASON
    )

    mentors_body = login(mentor.user).get("/me/data/").content.decode()
    trainees = download(login(trainee.user))

    assert DECLINE_REASON not in mentors_body
    assert "A message for the declined request" not in mentors_body
    assert trainees["matches"][0]["decision_reason"] == DECLINE_REASON
    assert trainees["matches"][0]["history"][0]["reason"] == DECLINE_REASON


def test_the_file_never_holds_the_password_hash_or_the_api_token(login: Any, trainee: Any) -> None:
    token = Token.objects.create(user=trainee.user)

    body = login(trainee.user).get("/me/data/").content.decode()

    assert token.key not in body
    assert trainee.user.password not in body
    assert '"password"' not in body
    assert json.loads(body)["account"]["api_token_created_at"] is not None


def test_downloading_changes_nothing(login: Any, trainee: Any, mentor: Any, coordinator: Any) -> None:
    build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator)
    client = login(trainee.user)
    before = row_counts()

    client.get("/me/data/")

    assert row_counts() == before


def test_past_the_hourly_ration_the_page_says_so_instead_of_downloading(login: Any, trainee: Any) -> None:
    client = login(trainee.user)
    for _ in range(DATA_EXPORTS_PER_HOUR):
        assert client.get("/me/data/").status_code == 200

    response = client.get("/me/data/", follow=True)

    assert response.redirect_chain == [("/me/", 302)]
    assert f"downloaded your data {DATA_EXPORTS_PER_HOUR} times" in response.content.decode()


@pytest.mark.parametrize("persona", ["trainee", "mentor", "coordinator"])
def test_the_query_count_does_not_grow_with_meetings_goals_matches_and_messages(
    persona: str, login: Any, trainee: Any, mentor: Any, coordinator: Any
) -> None:
    reader = {"trainee": trainee.user, "mentor": mentor.user, "coordinator": coordinator}[persona]
    client = login(reader)
    scene = build_scene(trainee=trainee, mentor=mentor, coordinator=coordinator, size=1)
    with CaptureQueriesContext(connection) as small:
        download(client)

    # Four more meetings (each with its log, goal, feedback, check-ins and messages), and another mentee decided
    # by the same coordinator.
    add_sessions(scene.match, count=4, first_index=1)
    other = MatchFactory(program=scene.match.program, mentor=mentor, status=Match.Status.APPROVED)
    MatchTransition.objects.create(match=other, from_status="proposed", to_status="approved", by=coordinator)
    with CaptureQueriesContext(connection) as large:
        data = download(client)

    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    grown = {"trainee": "meetings", "mentor": "session_logs", "coordinator": "coordination_history"}[persona]
    assert len(data[grown]) > 1


def test_whom_a_mentor_assesses_is_in_his_file_and_in_hers(login: Any, trainee: Any, mentor: Any) -> None:
    # Coordinators record it on the mentor's profile (the two are then never matched); no page of the mentor's
    # lists it, so his copy of his data is where he reads it.
    mentor.assesses.add(trainee)
    MentorProfileFactory()  # a mentor who assesses nobody

    assert download(login(mentor.user))["mentor_profile"]["assesses"] == ["Tara Trainee"]
    assert download(login(trainee.user))["trainee_profile"]["assessed_by"] == [str(mentor.user)]
