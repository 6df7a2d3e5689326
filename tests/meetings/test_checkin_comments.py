"""The check-in's comment reaches the program's coordinators (and only them), and the form says who reads it.

Before: "Anything to add?" was stored and shown to nobody, and the form did not say that an answer of 1 or 2 flags
the match for the coordinator.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from meetings import services
from tests.factories import CoordinatorFactory, MentorProfileFactory, ProgramFactory, approved_match

pytestmark = pytest.mark.django_db

COMMENT = "My mentor keeps cancelling and I do not know how to raise it"


@pytest.fixture
def checkin_match(mentor: Any, trainee: Any, coordinator: Any) -> Match:
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator])
    return approved_match(
        mentor=mentor, trainee=trainee, program=program, decided_at=timezone.now() - timedelta(days=31)
    )


def _match_page(client: Any, match: Match) -> str:
    response = client.get(reverse("admin:matching_match_change", args=[match.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_low_answer_with_a_comment_flags_the_match_and_points_the_coordinator_to_the_comment(
    checkin_match: Match, trainee: Any
) -> None:
    # Tried without the fix: the reason said only "(2/5)", and the comment was nowhere a coordinator could read it.
    services.checkin_submit(match=checkin_match, by=trainee.user, period=0, going_well=2, comment=COMMENT)
    checkin_match.refresh_from_db()
    assert checkin_match.at_risk_reason == (
        "A check-in answer said it is not going well (2/5), with a comment: read it under Check-ins on the match's "
        "page."
    )
    # The words themselves stay on the match's page: the reason is quoted in the history of a cleared flag.
    assert "cancelling" not in checkin_match.at_risk_reason


def test_the_programs_coordinator_reads_the_comment_and_the_low_answer_on_the_matchs_page(
    checkin_match: Match, trainee: Any, mentor: Any, coordinator: Any, login: Any
) -> None:
    # Tried without the fix: the match's page had no check-ins at all.
    services.checkin_submit(match=checkin_match, by=trainee.user, period=0, going_well=2, comment=COMMENT)
    services.checkin_submit(match=checkin_match, by=mentor.user, period=0, going_well=5)
    page = _match_page(login(coordinator), checkin_match)
    assert "Check-ins with a comment or a low answer (read by the program" in page
    assert COMMENT in page
    assert "Tara Trainee (trainee)" in page
    # A good answer without a comment counts in the program's totals only, as the form says.
    assert "Dr Maya Patel (mentor)" not in page


def test_a_comment_with_a_good_answer_reaches_the_coordinator_without_flagging_the_match(
    checkin_match: Match, mentor: Any, coordinator: Any, login: Any
) -> None:
    services.checkin_submit(match=checkin_match, by=mentor.user, period=0, going_well=4, comment="Going fine, busy")
    checkin_match.refresh_from_db()
    assert checkin_match.at_risk_since is None
    assert "Going fine, busy" in _match_page(login(coordinator), checkin_match)


def test_a_coordinator_who_is_the_other_person_in_the_match_never_reads_the_comment(trainee: Any, login: Any) -> None:
    # The mentor also coordinates the program: the trainee's comment about them must not reach them.
    mentoring_coordinator = CoordinatorFactory(full_name="Dr Cole Coordinator")
    mentor = MentorProfileFactory(user=mentoring_coordinator)
    program = ProgramFactory(coordinators=[mentoring_coordinator])
    match = approved_match(
        mentor=mentor, trainee=trainee, program=program, decided_at=timezone.now() - timedelta(days=31)
    )
    services.checkin_submit(match=match, by=trainee.user, period=0, going_well=1, comment=COMMENT)
    page = _match_page(login(mentoring_coordinator), match)
    assert COMMENT not in page
    assert "Check-ins with a comment" not in page


def test_the_other_person_and_an_outsider_never_read_the_comment_on_the_site(
    checkin_match: Match, trainee: Any, mentor: Any, outsider: Any, login: Any
) -> None:
    services.checkin_submit(match=checkin_match, by=trainee.user, period=0, going_well=2, comment=COMMENT)
    client = login(mentor.user)
    for url in (
        reverse("meetings-match", args=[checkin_match.pk]),
        reverse("meetings-checkin", args=[checkin_match.pk, 0]),
        reverse("matching-my-mentees"),
    ):
        assert COMMENT not in client.get(url).content.decode(), url
    assert client.get(reverse("admin:matching_match_change", args=[checkin_match.pk])).status_code == 302
    assert login(outsider.user).get(reverse("meetings-match", args=[checkin_match.pk])).status_code == 404


def test_another_programs_coordinator_cannot_open_the_match_or_its_comment(
    checkin_match: Match, trainee: Any, login: Any
) -> None:
    services.checkin_submit(match=checkin_match, by=trainee.user, period=0, going_well=2, comment=COMMENT)
    elsewhere = CoordinatorFactory()
    ProgramFactory(coordinators=[elsewhere])
    response = login(elsewhere).get(reverse("admin:matching_match_change", args=[checkin_match.pk]), follow=True)
    assert COMMENT not in response.content.decode()


def test_the_form_says_exactly_who_reads_the_comment_and_that_a_low_answer_alerts_the_coordinators(
    checkin_match: Match, trainee: Any, login: Any
) -> None:
    # Tried without the fix: the form said "Anything to add?" and nothing about who reads it or about the alert.
    page = login(trainee.user).get(reverse("meetings-checkin", args=[checkin_match.pk, 0])).content.decode()
    assert "Who reads your answer: the coordinators of Cardiology Mentoring, and nobody else." in page
    assert "An answer of 1 or 2 alerts them at once" in page
    assert "they read any comment" in page
    assert "Dr Maya Patel never sees your answer or your comment." in page
    assert "Anything to add for your program&#x27;s coordinators?" in page
    assert "Only your program&#x27;s coordinators read this comment" in page


def test_the_thank_you_says_the_comment_goes_to_the_coordinators(
    checkin_match: Match, trainee: Any, login: Any
) -> None:
    response = login(trainee.user).post(
        reverse("meetings-checkin", args=[checkin_match.pk, 0]), {"going_well": "4", "comment": "Fine"}, follow=True
    )
    said = [str(m) for m in response.context["messages"]]
    assert any("read your comment, if you added one" in m for m in said), said
