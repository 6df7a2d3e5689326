"""What a round will not do: propose again a pair a coordinator declined or ended, start when it could propose
nobody, or run for a program made inactive after it was started. A refused or empty round changes nothing: the
proposals of earlier rounds still wait for approval."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from matching.models import Match, MatchingRound
from matching.services.decisions import match_decline, match_end, matches_approve
from matching.services.rounds import (
    NoFreePlaces,
    NoMentorsEnrolled,
    NoTraineesToMatch,
    round_run,
    round_start,
)
from profiles.models import CareerStage, MentorProfile
from tests.factories import (
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    round_started_and_run,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Demo Program", coordinators=[coordinator])


def _two_mentors_one_trainee():
    """Two mentors with a place each and one trainee: a round proposes the better fit of the two."""
    mentors = {
        MentorProfileFactory(capacity=1, user__full_name="Dr Senior"),
        MentorProfileFactory(capacity=1, user__full_name="Dr Resident", career_stage=CareerStage.RESIDENT),
    }
    return mentors, TraineeProfileFactory(user__full_name="Tara Trainee")


# --- Pairs a coordinator decided against -------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["optimal", "stable"])
def test_a_pair_the_coordinator_declined_is_not_proposed_again_by_the_next_round(program, coordinator, algorithm):
    mentors, trainee = _two_mentors_one_trainee()
    first = round_started_and_run(program, coordinator, algorithm)
    proposal = Match.objects.get(round=first)
    match_decline(match=proposal, by=coordinator, reason="Going on sabbatical; not this pair.")

    second = round_started_and_run(program, coordinator, algorithm)

    assert second.status == MatchingRound.Status.DONE, second.error
    assert Match.objects.get(round=second, trainee=trainee).mentor == (mentors - {proposal.mentor}).pop()


def test_a_pair_whose_mentorship_was_ended_is_not_proposed_again_by_the_next_round(program, coordinator):
    mentors, trainee = _two_mentors_one_trainee()
    first = round_started_and_run(program, coordinator)
    proposal = Match.objects.get(round=first)
    matches_approve(match_ids=[proposal.pk], by=coordinator)
    match_end(match=Match.objects.get(pk=proposal.pk), by=coordinator, reason="Not a good fit, said both.")

    second = round_started_and_run(program, coordinator)

    assert Match.objects.get(round=second, trainee=trainee).mentor == (mentors - {proposal.mentor}).pop()


def test_a_declined_pair_left_with_no_other_mentor_is_not_proposed_and_the_report_says_no_acceptable_mentor(
    program, coordinator
):
    mentor = MentorProfileFactory(capacity=2)
    TraineeProfileFactory()
    match_decline(
        match=Match.objects.get(round=round_started_and_run(program, coordinator)),
        by=coordinator,
        reason="Not this pair.",
    )

    second = round_started_and_run(program, coordinator)

    assert second.status == MatchingRound.Status.DONE, second.error
    assert not Match.objects.filter(round=second).exists()
    assert (second.quality["matched"], second.quality["unmatched_no_acceptable_mentor"]) == (0, 1)
    assert Match.objects.get(mentor=mentor).status == Match.Status.DECLINED


@pytest.mark.parametrize("status", [Match.Status.CANCELLED, Match.Status.EXPIRED])
def test_a_request_the_system_closed_does_not_keep_the_pair_from_being_proposed(program, coordinator, status):
    # Withdrawn by the trainee, expired unanswered, cancelled when someone left or another mentor was approved:
    # nobody decided against the pair, and the mentor may still be the best fit.
    mentor = MentorProfileFactory(capacity=1)
    trainee = TraineeProfileFactory()
    MatchFactory(program=program, mentor=mentor, trainee=trainee, origin="request", status=status)

    matching_round = round_started_and_run(program, coordinator)

    assert Match.objects.get(round=matching_round).mentor == mentor


def test_a_pair_declined_in_another_program_may_be_proposed_in_this_one(program, coordinator):
    mentor = MentorProfileFactory(capacity=1)
    trainee = TraineeProfileFactory()
    MatchFactory(mentor=mentor, trainee=trainee, status=Match.Status.DECLINED)  # another program's decision

    matching_round = round_started_and_run(program, coordinator)

    assert Match.objects.get(round=matching_round).mentor == mentor


# --- Nothing to propose: refused up front, with the cause --------------------------------------------------------


def _waiting_proposals(program, coordinator):
    """A first round's three proposals, waiting for approval."""
    mentor = MentorProfileFactory(capacity=3)
    TraineeProfileFactory.create_batch(3)
    first = round_started_and_run(program, coordinator)
    assert Match.objects.filter(round=first, status=Match.Status.PROPOSED).count() == 3
    return mentor, first


def test_a_start_where_no_mentor_has_a_free_place_is_refused_and_the_waiting_proposals_stay(program, coordinator):
    mentor, first = _waiting_proposals(program, coordinator)
    MentorProfile.objects.filter(pk=mentor.pk).update(accepting_mentees=False)

    with pytest.raises(NoFreePlaces, match=r"^No mentor of Demo Program has a free place: each is full, is not"):
        round_start(program=program, algorithm="optimal", by=coordinator)

    assert MatchingRound.objects.count() == 1
    assert Match.objects.filter(round=first, status=Match.Status.PROPOSED).count() == 3


def test_places_held_by_requests_and_other_programs_proposals_are_not_free(program, coordinator):
    mentor = MentorProfileFactory(capacity=2)
    TraineeProfileFactory()
    MatchFactory(mentor=mentor, origin="request", status="requested")  # another program's request
    MatchFactory(mentor=mentor, status="proposed")  # another program's proposal

    with pytest.raises(NoFreePlaces):
        round_start(program=program, algorithm="optimal", by=coordinator)


def test_a_start_for_a_program_with_no_mentors_is_refused_and_the_waiting_proposals_stay(coordinator):
    program = ProgramFactory(name="Closed Cohort", open_to_all=False, coordinators=[coordinator])
    mentor = MentorProfileFactory(capacity=3)
    trainees = TraineeProfileFactory.create_batch(2)
    program.mentors.add(mentor)
    program.trainees.add(*trainees)
    first = round_started_and_run(program, coordinator)
    program.mentors.clear()  # the mentor list was not enrolled (yet), or was unenrolled

    with pytest.raises(NoMentorsEnrolled, match=r"^Closed Cohort has no mentors: enrol some before running a round\."):
        round_start(program=program, algorithm="optimal", by=coordinator)

    assert Match.objects.filter(round=first, status=Match.Status.PROPOSED).count() == 2


def test_a_start_with_no_trainee_to_match_is_refused(coordinator):
    program = ProgramFactory(name="Closed Cohort", open_to_all=False, coordinators=[coordinator])
    program.mentors.add(MentorProfileFactory(capacity=3))

    with pytest.raises(NoTraineesToMatch, match=r"^Closed Cohort has no trainee to match: none takes part yet"):
        round_start(program=program, algorithm="optimal", by=coordinator)

    assert not MatchingRound.objects.exists()


def test_a_trainee_whose_own_request_waits_is_not_one_to_match(program, coordinator):
    request = MatchFactory(program=program, origin="request", status="requested", mentor__capacity=3)

    with pytest.raises(NoTraineesToMatch):
        round_start(program=program, algorithm="optimal", by=coordinator)

    assert Match.objects.get(pk=request.pk).status == Match.Status.REQUESTED


def test_an_invited_mentor_who_signed_up_since_the_last_check_counts_at_the_start(coordinator):
    from matching.coordination.roster import Role, parse_roster
    from matching.services.enrolment import program_enrol

    program = ProgramFactory(open_to_all=False, coordinators=[coordinator])
    program.trainees.add(TraineeProfileFactory())
    program_enrol(program=program, roster=parse_roster("new@uni.edu", Role.MENTOR), by=coordinator, invite_missing=True)
    MentorProfileFactory(user__email="new@uni.edu", capacity=2)  # signed up since, address confirmed

    matching_round = round_start(program=program, algorithm="optimal", by=coordinator)

    assert matching_round.status == MatchingRound.Status.QUEUED
    assert program.mentors.filter(user__email="new@uni.edu").exists()


def test_the_admin_start_page_names_why_a_round_cannot_start(login, coordinator, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr("matching.tasks.run_round.delay", sent.append)
    program = ProgramFactory(name="Closed Cohort", open_to_all=False, coordinators=[coordinator])
    program.trainees.add(*TraineeProfileFactory.create_batch(3))

    response = login(coordinator).post(
        reverse("admin:matching_matchinground_add"), {"program": program.pk, "algorithm": "optimal"}
    )

    assert response.status_code == 200
    assert "Closed Cohort has no mentors: enrol some before running a round." in response.content.decode()
    assert not MatchingRound.objects.exists()
    assert sent == []


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("no_trainees", "no_trainees_to_match"),
        ("no_mentors", "no_mentors_enrolled"),
        ("no_places", "no_free_places"),
    ],
)
def test_the_api_refuses_a_round_that_could_propose_nobody_with_409_and_the_cause(coordinator, setup, code):
    program = ProgramFactory(open_to_all=False, coordinators=[coordinator])
    if setup != "no_trainees":
        program.trainees.add(TraineeProfileFactory())
    if setup != "no_mentors":
        program.mentors.add(MentorProfileFactory(capacity=2, accepting_mentees=setup != "no_places"))
    api = APIClient()
    api.force_authenticate(coordinator)

    response = api.post(f"/api/v1/programs/{program.pk}/rounds/", {"algorithm": "optimal"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == code
    assert not MatchingRound.objects.exists()


# --- Nothing left to propose when the round runs -----------------------------------------------------------------


def test_a_round_that_finds_no_free_place_when_it_runs_fails_with_the_cause_and_changes_nothing(program, coordinator):
    mentor, first = _waiting_proposals(program, coordinator)
    queued = round_start(program=program, algorithm="optimal", by=coordinator)
    MentorProfile.objects.filter(pk=mentor.pk).update(accepting_mentees=False)  # while it waited for a worker

    second = round_run(matching_round=MatchingRound.objects.get(pk=queued.pk))

    assert second.status == MatchingRound.Status.FAILED
    assert second.error.startswith("No mentor of Demo Program has a free place")
    assert second.error.endswith("The round proposed nobody and changed nothing.")
    assert Match.objects.filter(round=first, status=Match.Status.PROPOSED).count() == 3


def test_a_round_whose_every_proposal_is_dropped_at_write_leaves_the_waiting_proposals_alone(
    login, program, coordinator, monkeypatch
):
    from matching.services import round_engine

    mentor, first = _waiting_proposals(program, coordinator)
    explain = round_engine.explain_pairs

    def explain_then_close(*args, **kwargs):  # the mentor unticks "accepting" while the round runs
        out = explain(*args, **kwargs)
        MentorProfile.objects.filter(pk=mentor.pk).update(accepting_mentees=False)
        return out

    monkeypatch.setattr(round_engine, "explain_pairs", explain_then_close)

    second = round_started_and_run(program, coordinator)

    assert second.status == MatchingRound.Status.DONE, second.error
    assert not Match.objects.filter(round=second).exists()
    assert Match.objects.filter(round=first, status=Match.Status.PROPOSED).count() == 3
    assert (second.quality["matched"], second.quality["not_written"]) == (0, 3)
    page = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[second.pk])).content.decode()
    assert "This round proposed nobody, so it replaced nothing" in page
    assert "Review and approve the 0 proposals" not in page


# --- A program made inactive --------------------------------------------------------------------------------------


def test_a_queued_round_of_a_program_made_inactive_meanwhile_fails_with_a_plain_message(program, coordinator):
    MentorProfileFactory(capacity=2)
    TraineeProfileFactory.create_batch(2)
    queued = round_start(program=program, algorithm="optimal", by=coordinator)
    program.is_active = False
    program.save()

    matching_round = round_run(matching_round=MatchingRound.objects.get(pk=queued.pk))

    assert matching_round.status == MatchingRound.Status.FAILED
    assert matching_round.error == "Demo Program was made inactive after the round was started, so it did not run."
    assert not Match.objects.filter(program=program).exists()


def test_a_program_made_inactive_while_its_round_runs_gets_no_proposals(program, coordinator, monkeypatch):
    from matching.models import Program
    from matching.services import round_engine

    MentorProfileFactory(capacity=2)
    TraineeProfileFactory.create_batch(2)
    explain = round_engine.explain_pairs

    def explain_then_close_the_program(*args, **kwargs):
        out = explain(*args, **kwargs)
        Program.objects.filter(pk=program.pk).update(is_active=False)
        return out

    monkeypatch.setattr(round_engine, "explain_pairs", explain_then_close_the_program)

    matching_round = round_started_and_run(program, coordinator)

    assert matching_round.status == MatchingRound.Status.FAILED
    assert matching_round.error == "Demo Program was made inactive while the round ran, so nothing was written."
    assert not Match.objects.filter(program=program).exists()
