"""Approval reads the engine's hard rules as they are now, and refuses a match in a program made inactive.

Found in a review of state changes (2026-12-01): a request is checked against the rules when it is sent and a
round's proposal when the round scores it, but approval may come days later. A mentor who dropped the only language
the two share, or a program that set a time-zone limit the pair is beyond, still got the pair approved (and both
e-mailed "approved"); so did a request waiting in a program made inactive meanwhile.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.models import Match
from matching.services.approvals import match_approve, matches_approve
from matching.services.requests import PairExcluded, ProgramNotAvailable, match_request
from notifications.models import Notification
from profiles.services.people import mentor_profile_save
from tests.factories import MentorProfileFactory, ProgramFactory, TraineeProfileFactory, language

pytestmark = pytest.mark.django_db


def test_a_request_is_not_approved_once_the_mentor_dropped_the_only_language_they_share(
    trainee: Any, mentor: Any, coordinator: Any
) -> None:
    trainee.languages.set([language("es")])
    mentor.languages.set([language("en"), language("es")])
    program = ProgramFactory(coordinators=[coordinator])
    match = match_request(trainee=trainee, mentor=mentor, program=program, message="")
    mentor_profile_save(user=mentor.user, data={"languages": [language("en")]})
    before = Notification.objects.count()

    with pytest.raises(PairExcluded) as refused:
        match_approve(match=Match.objects.get(pk=match.pk), by=coordinator)

    assert refused.value.code == "no_shared_language"
    assert "can no longer be matched" in refused.value.message
    assert "they share no language any more" in refused.value.message
    assert Match.objects.get(pk=match.pk).status == Match.Status.REQUESTED
    assert Notification.objects.count() == before  # nobody told "approved"


def test_a_proposal_beyond_a_time_zone_limit_set_since_is_refused_and_the_rest_of_the_batch_approved(
    trainee: Any, coordinator: Any
) -> None:
    program = ProgramFactory(coordinators=[coordinator])
    london = MentorProfileFactory(time_zone="Europe/London", user__email="london@uni.edu")
    chicago = MentorProfileFactory(time_zone="America/Chicago", user__email="chicago@uni.edu")
    other = TraineeProfileFactory(time_zone="America/Chicago", user__email="other@uni.edu")
    far = Match.objects.create(
        program=program, mentor=london, trainee=trainee, status=Match.Status.PROPOSED, origin=Match.Origin.ROUND
    )
    near = Match.objects.create(
        program=program, mentor=chicago, trainee=other, status=Match.Status.PROPOSED, origin=Match.Origin.ROUND
    )
    program.time_zone_cap_hours = 2
    program.save()

    outcome = matches_approve(match_ids=[far.pk, near.pk], by=coordinator)

    assert [m.pk for m in outcome.approved] == [near.pk]
    ((refused, error),) = outcome.refused
    assert refused.pk == far.pk
    assert error.code == "time_zone_too_far"
    assert "more than the program's limit of 2 h" in error.message
    assert Match.objects.get(pk=far.pk).status == Match.Status.PROPOSED


def test_a_request_waiting_in_a_program_made_inactive_is_not_approved(
    trainee: Any, mentor: Any, coordinator: Any, login: Any
) -> None:
    program = ProgramFactory(coordinators=[coordinator], name="Surgery Mentoring")
    match = match_request(trainee=trainee, mentor=mentor, program=program, message="")
    program.is_active = False
    program.save()

    with pytest.raises(ProgramNotAvailable, match="Surgery Mentoring is inactive: decline the match"):
        match_approve(match=Match.objects.get(pk=match.pk), by=coordinator)
    # The admin's Approve says so too, and the match waits.
    page = login(coordinator).post(
        reverse("admin:matching_match_changelist"),
        {"action": "approve_selected", "_selected_action": [match.pk]},
        follow=True,
    )
    assert "is inactive: decline the match" in page.content.decode()
    assert Match.objects.get(pk=match.pk).status == Match.Status.REQUESTED
