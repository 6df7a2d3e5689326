"""Someone leaves (their account is deactivated): their requests and proposals still waiting for a decision are
cancelled with the reason, and a trainee whose mentor left is told. Approved matches stay for a coordinator to end.

Tried without the fix: after unticking Active, a trainee's request stayed "requested", the mentor still read their
message on My mentees, and coordinators were still asked to decide it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.coordination.health import program_health
from matching.models import Match
from matching.services.requests import match_request
from notifications.models import Notification
from profiles.services import user_deactivate
from tests.factories import MatchFactory, ProgramFactory, approved_match

pytestmark = pytest.mark.django_db

MESSAGE = "I am thinking of leaving medicine and would like to talk it through"


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(open_to_all=True, coordinators=[coordinator], name="Cardiology Mentoring")


def test_a_trainee_who_leaves_has_their_request_cancelled_and_the_mentor_no_longer_reads_it(
    trainee: Any, mentor: Any, program: Any, coordinator: Any, login: Any
) -> None:
    request = match_request(trainee=trainee, mentor=mentor, program=program, message=MESSAGE)
    assert MESSAGE in login(mentor.user).get(reverse("matching-my-mentees")).content.decode()

    user_deactivate(user=trainee.user, by=coordinator)

    request.refresh_from_db()
    assert request.status == Match.Status.CANCELLED
    assert (request.decided_by, request.decision_reason) == (
        coordinator,
        "Tara Trainee is no longer taking part in the mentorship program.",
    )
    last = request.transitions.last()
    assert last is not None
    assert (last.from_status, last.to_status, last.by) == ("requested", "cancelled", coordinator)
    assert MESSAGE not in login(mentor.user).get(reverse("matching-my-mentees")).content.decode()
    # Coordinators are no longer asked to decide it; nobody is told (the mentor never agreed to anything).
    asking = Notification.objects.get(kind="match_requested")
    assert asking.state == Notification.State.CANCELLED
    assert not Notification.objects.filter(kind="match_cancelled").exists()


def test_a_mentor_who_leaves_has_requests_and_proposals_to_them_cancelled_and_each_trainee_told(
    trainee: Any, outsider: Any, mentor: Any, program: Any, coordinator: Any
) -> None:
    request = match_request(trainee=trainee, mentor=mentor, program=program, message="Career advice")
    proposal = MatchFactory(program=program, mentor=mentor, trainee=outsider, status=Match.Status.PROPOSED)

    done = user_deactivate(user=mentor.user, by=coordinator)

    assert "2 open requests or proposals cancelled" in done
    for match, who in ((request, trainee), (proposal, outsider)):
        match.refresh_from_db()
        assert match.status == Match.Status.CANCELLED
        told = Notification.objects.get(kind="match_cancelled", object_id=match.pk)
        assert told.recipient == who.user
    assert not Notification.objects.filter(kind="match_cancelled", recipient=mentor.user).exists()


def test_the_trainee_hears_why_and_where_to_find_another_mentor(
    trainee: Any, mentor: Any, program: Any, coordinator: Any
) -> None:
    from notifications.rendering import render_email

    match_request(trainee=trainee, mentor=mentor, program=program, message="Career advice")
    user_deactivate(user=mentor.user, by=coordinator)
    rendered = render_email(Notification.objects.get(kind="match_cancelled"))
    assert rendered.subject == "Your request for Dr Maya Patel is cancelled"
    assert "Reason: Dr Maya Patel is no longer taking part in the mentorship program." in rendered.text
    assert "/mentors/" in rendered.text


def test_an_approved_match_is_not_ended_but_listed_for_the_coordinator(
    trainee: Any, mentor: Any, program: Any, coordinator: Any
) -> None:
    approved = approved_match(mentor=mentor, trainee=trainee, program=program)

    assert user_deactivate(user=trainee.user, by=coordinator) == []

    approved.refresh_from_db()
    assert approved.status == Match.Status.APPROVED
    assert [m.pk for m in program_health(program=program, reader=coordinator).someone_left] == [approved.pk]


def test_matches_already_decided_are_left_as_they_are(
    trainee: Any, mentor: Any, program: Any, coordinator: Any
) -> None:
    declined = MatchFactory(program=program, mentor=mentor, trainee=trainee, status=Match.Status.DECLINED)
    user_deactivate(user=trainee.user, by=coordinator)
    declined.refresh_from_db()
    assert declined.status == Match.Status.DECLINED
    assert declined.transitions.count() == 0
