"""The match page (/meetings/match/<id>/) and its log and check-in pages: whose they are, and what they offer.

A request declined, cancelled or expired is between the trainee and the coordinator: the API does not list it to
its mentor (`matching.selectors_coordination.MENTOR_SEES`), and before, its pages opened for him with "Declined".
"Answer the check-in" stayed on the page for up to 60 days after it was answered, leading only to "You have already
answered this check-in."."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching.services.decisions import match_decline
from matching.services.requests import match_request
from meetings import services
from tests.factories import MatchFactory, ProgramFactory, approved_match

pytestmark = pytest.mark.django_db


def pages(match: Any) -> list[str]:
    return [
        reverse("meetings-match", args=[match.pk]),
        reverse("meetings-log-create", args=[match.pk]),
        reverse("meetings-checkin", args=[match.pk, 0]),
    ]


@pytest.mark.parametrize("status", ["declined", "cancelled", "expired"])
def test_the_pages_of_a_request_turned_down_are_not_found_for_its_mentor_but_open_for_its_trainee(
    mentor: Any, trainee: Any, login: Any, status: str
) -> None:
    match = MatchFactory(mentor=mentor, trainee=trainee, status=status)
    for url in pages(match):
        assert login(mentor.user).get(url).status_code == 404, url
    page = login(trainee.user).get(reverse("meetings-match", args=[match.pk]))
    assert page.status_code == 200
    assert match.get_status_display() in page.content.decode()


def test_a_request_declined_by_the_coordinator_disappears_from_the_mentors_pages_as_from_the_api(
    mentor: Any, trainee: Any, coordinator: Any, login: Any
) -> None:
    program = ProgramFactory(name="Cardio Mentoring", coordinators=[coordinator])
    request = match_request(trainee=trainee, mentor=mentor, program=program, message="On leave soon")
    assert login(mentor.user).get(reverse("meetings-match", args=[request.pk])).status_code == 200  # asked: his

    match_decline(match=request, by=coordinator, reason="Complaint pending")

    client = APIClient()
    client.force_authenticate(mentor.user)
    assert request.pk not in [row["id"] for row in client.get("/api/v1/matches/").json()["results"]]
    assert login(mentor.user).get(reverse("meetings-match", args=[request.pk])).status_code == 404


@pytest.mark.parametrize("status", ["requested", "proposed", "approved", "ended"])
def test_the_match_page_opens_for_its_mentor_while_the_api_lists_the_match_to_him(
    mentor: Any, trainee: Any, login: Any, status: str
) -> None:
    match = MatchFactory(mentor=mentor, trainee=trainee, status=status)
    assert login(mentor.user).get(reverse("meetings-match", args=[match.pk])).status_code == 200


def test_someone_outside_the_match_and_its_coordinator_do_not_find_its_pages(
    mentor: Any, trainee: Any, outsider: Any, coordinator: Any, login: Any
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, program=ProgramFactory(coordinators=[coordinator]))
    for person in (outsider.user, coordinator):
        for url in pages(match):
            assert login(person).get(url).status_code == 404, (person, url)


def test_answer_the_check_in_goes_from_the_page_of_whoever_answered_it_and_stays_on_the_others(
    mentor: Any, trainee: Any, login: Any
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    page = reverse("meetings-match", args=[match.pk])
    checkin = reverse("meetings-checkin", args=[match.pk, 0])
    assert checkin in login(mentor.user).get(page).content.decode()

    services.checkin_submit(match=match, by=mentor.user, period=0, going_well=4)

    assert checkin not in login(mentor.user).get(page).content.decode()
    assert "Answer the check-in" not in login(mentor.user).get(page).content.decode()
    assert checkin in login(trainee.user).get(page).content.decode()  # she has not answered yet


def test_the_next_check_in_is_offered_again_when_it_opens(mentor: Any, trainee: Any) -> None:
    from meetings.selectors import checkin_to_answer

    decided = timezone.now() - timedelta(days=31)
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=decided)
    assert checkin_to_answer(match=match, user=mentor.user, now=decided + timedelta(days=29)) is None  # not yet
    services.checkin_submit(match=match, by=mentor.user, period=0, going_well=4)
    assert checkin_to_answer(match=match, user=mentor.user) is None
    assert checkin_to_answer(match=match, user=mentor.user, now=decided + timedelta(days=91)) == 1


# --- Whom to write to about the match -----------------------------------------------------------------------------
# The README told a mentor who cannot go on to "ask the program's coordinator", and no page said who that is.


def _coordinator_section(html: str) -> str:
    return html.split('id="h-coordinator"')[1].split("</section>")[0]


def test_both_people_are_told_whom_to_write_to_about_their_match(
    mentor: Any, trainee: Any, coordinator: Any, login: Any
) -> None:
    from tests.factories import CoordinatorFactory

    gone = CoordinatorFactory(full_name="Gina Gone", email="gina@example.org", is_active=False)
    program = ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator, gone])
    match = approved_match(mentor=mentor, trainee=trainee, program=program)
    for person in (mentor.user, trainee.user):
        section = _coordinator_section(login(person).get(reverse("meetings-match", args=[match.pk])).content.decode())
        assert "To end this mentorship" in section
        assert '<a href="mailto:cora@example.org">Cora Coordinator</a>' in section
        assert "Surgery Mentoring" in section
        assert "gina@example.org" not in section  # a deactivated coordinator cannot act on it


def test_a_coordinator_who_is_the_mentor_is_not_named_to_write_to(mentor: Any, trainee: Any, login: Any) -> None:
    # A resident coordinates the program and mentors in it: nobody is sent to her about her own match.
    mentor.user.is_staff = True
    mentor.user.save()
    program = ProgramFactory(name="Surgery Mentoring", coordinators=[mentor.user])
    match = approved_match(mentor=mentor, trainee=trainee, program=program)
    section = _coordinator_section(login(trainee.user).get(reverse("meetings-match", args=[match.pk])).content.decode())
    assert "mailto:" not in section
    assert "No one else coordinates Surgery Mentoring at the moment." in section


def test_an_outsider_reads_no_coordinator_address_of_someone_elses_match(
    mentor: Any, trainee: Any, coordinator: Any, login: Any
) -> None:
    from tests.factories import TraineeProfileFactory

    match = approved_match(mentor=mentor, trainee=trainee, program=ProgramFactory(coordinators=[coordinator]))
    response = login(TraineeProfileFactory().user).get(reverse("meetings-match", args=[match.pk]))
    assert response.status_code == 404
    assert b"cora@example.org" not in response.content
