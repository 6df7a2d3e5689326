"""What *My mentees* tells a mentor about requests awaiting a coordinator, about pausing, and about a mentee who left:
each said as it is.

Tried (a reviewer's probes): the page promised "A coordinator decides these; you will hear when they do", yet only an
approval reaches the mentor (a declined, cancelled or expired request just leaves the list); the paused switch said
"current mentees are not affected" and nothing of the requests and proposals already waiting; and a mentee whose
account was deactivated was listed with "Propose a meeting" and no word that they had left, while /meetings/ already
offered no such link.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.services.decisions import match_approve, match_decline
from matching.services.requests import match_request
from notifications.models import Notification
from profiles.services.deactivation import user_deactivate
from tests.factories import MentorProfileFactory, ProgramFactory, TraineeProfileFactory, approved_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(name="Cardio Mentoring", coordinators=[coordinator])


def _page(client: Any) -> str:
    """My mentees as one line of text, so a sentence the template wraps reads whole."""
    return " ".join(client.get(reverse("matching-my-mentees")).content.decode().split())


def _section(page: str, heading: str, next_heading: str) -> str:
    return page.split(f"<h2>{heading}</h2>")[1].split(f"<h2>{next_heading}</h2>")[0]


def test_awaiting_a_coordinator_promises_word_of_an_approval_and_of_nothing_else(
    program: Any, coordinator: Any, mentor: Any, trainee: Any, login: Any
) -> None:
    declined = match_request(trainee=trainee, mentor=mentor, program=program, message="Please")
    client = login(mentor.user)

    waiting = _section(_page(client), "Awaiting a coordinator", "Past mentees")
    assert "A coordinator decides these. You will hear if one is approved;" in waiting
    assert "one declined, cancelled or expired just leaves this list." in waiting
    assert "you will hear when they do" not in waiting
    assert "Tara Trainee" in waiting

    match_decline(match=declined, by=coordinator, reason="Not a fit")

    # As the page now says: nothing reaches the mentor, and the request is gone from the list.
    assert not Notification.objects.filter(recipient=mentor.user).exists()
    assert "Tara Trainee" not in _section(_page(client), "Awaiting a coordinator", "Past mentees")

    approved = match_request(trainee=TraineeProfileFactory(), mentor=mentor, program=program, message="Please")
    match_approve(match=approved, by=coordinator)

    # An approval is what the mentor hears of.
    assert Notification.objects.filter(recipient=mentor.user).exists()


def test_the_switch_says_pausing_keeps_current_mentees_and_holds_what_waits(
    program: Any, mentor: Any, trainee: Any, login: Any
) -> None:
    approved_match(mentor=mentor, trainee=TraineeProfileFactory(), program=program)
    match_request(trainee=trainee, mentor=mentor, program=program, message="Please")
    client = login(mentor.user)

    accepting = _page(client)
    assert "Stopping keeps your current mentees." in accepting
    assert (
        "Requests and proposals already waiting for a coordinator stay waiting, but none of them is approved while "
        "you are not accepting new mentees." in accepting
    )
    assert "None is approved while you are not accepting new mentees." not in accepting

    client.post(reverse("matching-mentor-accepting"), {"accepting": "0"})
    paused = _page(client)

    assert "You are hidden from the directory. Your current mentees stay with you." in paused
    assert (
        "Requests and proposals already waiting for a coordinator stay waiting, but none of them is approved until "
        "you start accepting new mentees again." in paused
    )
    assert "current mentees are not affected" not in paused
    waiting = _section(paused, "Awaiting a coordinator", "Past mentees")
    assert "Tara Trainee" in waiting
    assert "None is approved while you are not accepting new mentees." in waiting


def test_a_mentee_who_left_is_said_to_have_left_and_offered_no_meeting(
    program: Any, coordinator: Any, mentor: Any, trainee: Any, outsider: Any, login: Any
) -> None:
    left = approved_match(mentor=mentor, trainee=trainee, program=program)
    staying = approved_match(mentor=mentor, trainee=outsider, program=program)
    user_deactivate(user=trainee.user, by=coordinator)

    page = _page(login(mentor.user))
    current = _section(page, "Current mentees", "Awaiting a coordinator")
    tara, oscar = current.split("<h3>Tara Trainee</h3>")[1], current.split("<h3>Oscar Outsider</h3>")[1]
    tara, oscar = tara.split("<h3>")[0], oscar.split("<h3>")[0]

    assert "Tara Trainee left the program — a coordinator will end this match." in tara
    assert reverse("meetings-propose", args=[left.pk]) not in page
    # What happened stays reachable, and a session already held can still be logged.
    assert reverse("meetings-match", args=[left.pk]) in tara
    assert reverse("meetings-log-create", args=[left.pk]) in tara
    # Until a coordinator ends the match, it still takes a place.
    assert "2 of 2 places taken" in page
    # The mentee who stays is offered a meeting, and nothing says they left.
    assert reverse("meetings-propose", args=[staying.pk]) in oscar
    assert "left the program" not in oscar


def test_no_one_but_the_mentor_reads_their_mentees(
    program: Any, coordinator: Any, mentor: Any, trainee: Any, outsider: Any, login: Any
) -> None:
    approved_match(mentor=mentor, trainee=trainee, program=program)
    match_request(trainee=outsider, mentor=mentor, program=program, message="Please")

    as_the_mentee = _page(login(trainee.user))
    as_another_mentor = _page(login(MentorProfileFactory(user__full_name="Dr Other").user))
    as_the_coordinator = _page(login(coordinator))

    assert "Only mentors have mentees" in as_the_mentee
    assert "Nothing pending." in as_another_mentor
    assert "No mentees yet." in as_another_mentor
    assert "Only mentors have mentees" in as_the_coordinator
    for page in (as_the_mentee, as_another_mentor, as_the_coordinator):
        assert "Oscar Outsider" not in page
        assert "tara@example.org" not in page
