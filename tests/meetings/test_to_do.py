"""The home page's "what's next": the next meeting and what waits on this person in their own matches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Meeting
from meetings.selectors import to_do_for
from tests.factories import FeedbackFactory, MeetingFactory, SessionLogFactory, approved_match


def _ago(**kwargs: Any) -> Any:
    return timezone.now() - timedelta(**kwargs)


@pytest.mark.django_db
def test_a_new_match_asks_both_people_for_a_first_meeting(match, login) -> None:
    for user in (match.trainee.user, match.mentor.user):
        html = login(user).get("/").content.decode()
        assert "No meeting yet with" in html
        assert f'href="/meetings/new/{match.pk}/"' in html


@pytest.mark.django_db
def test_the_next_accepted_meeting_is_shown_in_my_own_time_zone(match, login) -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    meeting = MeetingFactory(match=match, start=start)
    MeetingFactory(match=match, start=start + timedelta(days=7))  # later: not the next one
    html = login(match.trainee.user).get("/").content.decode()
    assert f'href="/meetings/{meeting.pk}/"' in html
    assert f"({match.trainee.time_zone})" in html
    assert "No meeting yet" not in html


@pytest.mark.django_db
def test_a_meeting_the_other_person_proposed_waits_for_my_answer_but_not_for_theirs(match, login) -> None:
    MeetingFactory(match=match, status="proposed", proposed_by=match.mentor.user)
    assert "accept it, suggest another time or decline it" in login(match.trainee.user).get("/").content.decode()
    assert "accept it, suggest another time or decline it" not in login(match.mentor.user).get("/").content.decode()


@pytest.mark.django_db
def test_after_a_meeting_the_mentor_is_asked_to_log_it_and_both_for_feedback_until_they_answer(match) -> None:
    held = MeetingFactory(match=match, start=_ago(days=2))
    mentor, trainee = to_do_for(user=match.mentor.user), to_do_for(user=match.trainee.user)
    assert mentor.logs_due == [held]
    assert mentor.feedback_due == [held]
    assert trainee.logs_due == []
    assert trainee.feedback_due == [held]

    SessionLogFactory(match=match, meeting=held)
    FeedbackFactory(meeting=held, author=match.mentor.user)
    mentor = to_do_for(user=match.mentor.user)
    assert mentor.logs_due == []
    assert mentor.feedback_due == []
    assert to_do_for(user=match.trainee.user).feedback_due == [held]  # my answer is mine, not theirs


@pytest.mark.django_db
def test_cancelled_old_and_unaccepted_meetings_ask_for_nothing(match) -> None:
    MeetingFactory(match=match, start=_ago(days=2), status="cancelled")
    MeetingFactory(match=match, start=_ago(days=2), status="proposed")  # never accepted: it did not happen
    MeetingFactory(match=match, start=_ago(days=45))  # long ago: left to its own page
    todo = to_do_for(user=match.mentor.user)
    assert todo.logs_due == []
    assert todo.feedback_due == []


@pytest.mark.django_db
def test_a_meeting_held_long_ago_means_no_first_meeting_prompt(match) -> None:
    MeetingFactory(match=match, start=_ago(days=45))
    assert to_do_for(user=match.mentor.user).first_meeting_due == []


@pytest.mark.django_db
def test_a_proposal_nobody_answered_before_its_time_still_leaves_the_first_meeting_to_arrange(match) -> None:
    MeetingFactory(match=match, start=_ago(days=3), status="proposed")
    MeetingFactory(match=match, start=_ago(days=2), status="cancelled")
    assert to_do_for(user=match.trainee.user).first_meeting_due == [match]


@pytest.mark.django_db
def test_a_proposal_ahead_is_answered_not_proposed_again_and_an_accepted_one_ends_the_prompt(match) -> None:
    # With a proposal ahead, "propose one" would ask for a second: the trainee answers it, the mentor waits.
    proposal = MeetingFactory(match=match, status="proposed", proposed_by=match.mentor.user)  # in 3 days
    assert to_do_for(user=match.mentor.user).first_meeting_due == []
    assert to_do_for(user=match.trainee.user).first_meeting_due == []
    assert to_do_for(user=match.trainee.user).to_answer == [proposal]
    Meeting.objects.filter(pk=proposal.pk).update(status=Meeting.Status.ACCEPTED)
    assert to_do_for(user=match.mentor.user).first_meeting_due == []


@pytest.mark.django_db
def test_once_a_match_ends_its_meetings_ask_for_no_answer_but_the_last_log_is_still_due(match) -> None:
    from matching.models import Match

    held = MeetingFactory(match=match, start=_ago(days=2))
    MeetingFactory(match=match, status="proposed", proposed_by=match.mentor.user)
    MeetingFactory(match=match, start=timezone.now() + timedelta(days=5))
    Match.objects.filter(pk=match.pk).update(status=Match.Status.ENDED)
    trainee, mentor = to_do_for(user=match.trainee.user), to_do_for(user=match.mentor.user)
    assert trainee.to_answer == []
    assert trainee.next_meeting is None
    assert mentor.logs_due == [held]


@pytest.mark.django_db
def test_someone_elses_matches_never_show_on_my_home(match, outsider, login) -> None:
    MeetingFactory(match=match, start=_ago(days=2))
    assert not to_do_for(user=outsider.user)
    html = login(outsider.user).get("/").content.decode()
    assert "What’s next in your mentoring" not in html


@pytest.mark.django_db
def test_the_to_do_list_costs_the_same_queries_for_one_match_or_five(mentor, login) -> None:
    from tests.factories import TraineeProfileFactory

    client = login(mentor.user)
    MeetingFactory(match=approved_match(mentor=mentor), start=_ago(days=1))
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(4):
        match = approved_match(mentor=mentor, trainee=TraineeProfileFactory())
        MeetingFactory(match=match, start=_ago(days=1))
        MeetingFactory(match=match, status="proposed", proposed_by=match.trainee.user)
    with CaptureQueriesContext(connection) as five:
        html = client.get("/").content.decode()
    assert html.count("Log the session") == 5
    assert len(five) == len(one)


# --- The same list in the API: GET /api/v1/meetings/to-do/ ------------------------------------------------------


@pytest.mark.django_db
def test_the_api_lists_what_waits_on_me_with_times_in_my_zone(match, login) -> None:
    held = MeetingFactory(match=match, start=_ago(days=2))
    coming = MeetingFactory(match=match, start=timezone.now() + timedelta(days=3))
    asked = MeetingFactory(
        match=match, status="proposed", proposed_by=match.mentor.user, start=timezone.now() + timedelta(days=5)
    )
    body = login(match.trainee.user).get("/api/v1/meetings/to-do/").json()
    assert body["next_meeting"]["id"] == coming.pk
    assert body["next_meeting"]["time_zone"] == match.trainee.time_zone
    assert [m["id"] for m in body["to_answer"]] == [asked.pk]
    assert [m["id"] for m in body["feedback_due"]] == [held.pk]
    assert body["logs_due"] == []  # the trainee keeps no session log
    assert body["first_meeting_due"] == []


@pytest.mark.django_db
def test_the_api_names_the_other_person_of_a_match_with_no_meeting_yet(match, login) -> None:
    as_mentor = login(match.mentor.user).get("/api/v1/meetings/to-do/").json()
    assert as_mentor["next_meeting"] is None
    assert as_mentor["first_meeting_due"] == [
        {"match": match.pk, "program_name": match.program.name, "other_person": str(match.trainee)}
    ]
    as_trainee = login(match.trainee.user).get("/api/v1/meetings/to-do/").json()
    assert as_trainee["first_meeting_due"][0]["other_person"] == str(match.mentor)


@pytest.mark.django_db
def test_the_api_to_do_shows_an_outsider_nothing_and_refuses_the_anonymous(match, outsider, login, client) -> None:
    MeetingFactory(match=match, start=_ago(days=2))
    assert client.get("/api/v1/meetings/to-do/").status_code == 401
    body = login(outsider.user).get("/api/v1/meetings/to-do/").json()
    assert body == {"next_meeting": None, "to_answer": [], "feedback_due": [], "logs_due": [], "first_meeting_due": []}


@pytest.mark.django_db
def test_a_mentor_of_several_mentees_is_told_whom_each_feedback_prompt_is_about(mentor, trainee, outsider, login):
    for mentee in (trainee, outsider):
        MeetingFactory(match=approved_match(mentor=mentor, trainee=mentee), start=_ago(hours=3))
    html = login(mentor.user).get("/").content.decode()
    feedback = [line for line in html.split("<li>") if "How did it go?" in line]
    assert len(feedback) == 2
    assert any("with Tara Trainee" in line for line in feedback)
    assert any("with Oscar Outsider" in line for line in feedback)
