"""Coordinators approve, decline and end matches through the services; every refusal says why."""

from __future__ import annotations

import pytest
from django.utils import timezone

from matching.models import Match, MatchTransition
from matching.services.decisions import (
    AccountDeactivated,
    AlreadyDecided,
    ConflictOfInterest,
    MatchNotActive,
    MentorAssessesTrainee,
    MentorAtCapacity,
    MentorNotAccepting,
    NotProgramCoordinator,
    ReasonRequired,
    TraineeAlreadyMatched,
    match_approve,
    match_clear_at_risk,
    match_decline,
    match_end,
    matches_approve,
)
from matching.services.requests import match_request, mentor_set_accepting
from notifications.models import Notification
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator])


@pytest.fixture
def proposal(program, mentor, trainee):
    return MatchFactory(program=program, mentor=mentor, trainee=trainee)


def test_approving_records_who_and_when_audits_it_and_notifies_both_people(proposal, coordinator, mentor, trainee):
    match = match_approve(match=proposal, by=coordinator)

    match.refresh_from_db()
    assert match.status == Match.Status.APPROVED
    assert match.decided_by == coordinator
    assert match.decided_at is not None
    transition = MatchTransition.objects.get(match=match)
    assert (transition.from_status, transition.to_status, transition.by) == ("proposed", "approved", coordinator)
    recipients = set(Notification.objects.filter(kind="match_approved").values_list("recipient", flat=True))
    assert recipients == {mentor.user.pk, trainee.user.pk}


def test_it_refuses_a_mentor_at_capacity_naming_the_mentor_and_saves_nothing(program, coordinator, mentor):
    for _ in range(mentor.capacity):
        MatchFactory(program=program, mentor=mentor, status=Match.Status.APPROVED)
    proposal = MatchFactory(program=program, mentor=mentor)

    with pytest.raises(MentorAtCapacity, match=r"Dr Maya Patel is at capacity 2/2") as caught:
        match_approve(match=proposal, by=coordinator)

    assert caught.value.code == "mentor_at_capacity"
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED
    assert not MatchTransition.objects.filter(match=proposal).exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("waiting", ["a trainee's request", "an earlier round's proposal"])
def test_a_mentor_who_stopped_accepting_new_mentees_is_not_given_the_mentee_and_nothing_is_sent(
    program, coordinator, mentor, trainee, waiting
):
    # README (My mentees): the switch is how a mentor accepts matches in advance. Found in review: a mentor who
    # turned it off was still approved a request sent before, or a round's proposal, and e-mailed "You have a new
    # mentee".
    if waiting == "a trainee's request":
        match = match_request(trainee=trainee, mentor=mentor, program=program, message="Please")
    else:
        match = MatchFactory(program=program, mentor=mentor, trainee=trainee)
    mentor_set_accepting(mentor=mentor, accepting=False)
    Notification.objects.all().delete()  # the request's own e-mails to the coordinators

    with pytest.raises(MentorNotAccepting) as refused:
        match_approve(match=match, by=coordinator)

    assert refused.value.code == "mentor_not_accepting"
    assert refused.value.status == 409
    assert refused.value.message.startswith("Dr Maya Patel is not accepting new mentees")
    match.refresh_from_db()
    assert match.status == Match.Status.REQUESTED if waiting == "a trainee's request" else Match.Status.PROPOSED
    assert not MatchTransition.objects.filter(match=match, to_status=Match.Status.APPROVED).exists()
    assert not Notification.objects.filter(kind="match_approved").exists()


def test_the_match_a_paused_mentor_was_refused_is_approved_once_they_accept_again(
    program, coordinator, mentor, trainee
):
    proposal = MatchFactory(program=program, mentor=mentor, trainee=trainee)
    mentor_set_accepting(mentor=mentor, accepting=False)
    with pytest.raises(MentorNotAccepting):
        match_approve(match=proposal, by=coordinator)

    mentor_set_accepting(mentor=mentor, accepting=True)

    assert match_approve(match=proposal, by=coordinator).status == Match.Status.APPROVED


def test_a_batch_approves_the_others_and_names_each_match_of_a_paused_mentor_with_why(program, coordinator):
    paused = MentorProfileFactory(user__full_name="Dr Away", capacity=3)
    full = MentorProfileFactory(user__full_name="Dr Full", capacity=1)
    MatchFactory(program=program, mentor=full, status=Match.Status.APPROVED)
    theirs = MatchFactory.create_batch(2, program=program, mentor=paused)
    at_capacity = MatchFactory(program=program, mentor=full)
    others = MatchFactory.create_batch(2, program=program)
    mentor_set_accepting(mentor=paused, accepting=False)

    outcome = matches_approve(match_ids=[m.pk for m in [*theirs, at_capacity, *others]], by=coordinator)

    assert sorted(m.pk for m in outcome.approved) == sorted(m.pk for m in others)
    refused = {match.pk: error.code for match, error in outcome.refused}
    assert refused == {theirs[0].pk: "mentor_not_accepting", theirs[1].pk: "mentor_not_accepting",
                       at_capacity.pk: "mentor_at_capacity"}  # fmt: skip
    assert Match.objects.filter(mentor=paused, status=Match.Status.PROPOSED).count() == 2


def test_ending_a_match_frees_the_mentors_place(program, coordinator, mentor):
    approved = [MatchFactory(program=program, mentor=mentor, status=Match.Status.APPROVED) for _ in range(2)]
    proposal = MatchFactory(program=program, mentor=mentor)
    match_end(match=approved[0], by=coordinator, reason="Trainee graduated")

    assert match_approve(match=proposal, by=coordinator).status == Match.Status.APPROVED


def test_a_trainee_gets_at_most_one_approved_mentor_per_program(program, coordinator, trainee):
    MatchFactory(program=program, trainee=trainee, status=Match.Status.APPROVED)
    second = MatchFactory(program=program, trainee=trainee)

    with pytest.raises(TraineeAlreadyMatched, match="Tara Trainee already has an approved mentor"):
        match_approve(match=second, by=coordinator)
    second.refresh_from_db()
    assert second.status == Match.Status.PROPOSED


def test_a_mentor_who_assesses_the_trainee_is_never_approved(proposal, coordinator, mentor, trainee):
    mentor.assesses.add(trainee)

    with pytest.raises(MentorAssessesTrainee):
        match_approve(match=proposal, by=coordinator)
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED


@pytest.mark.parametrize("who", ["mentor", "trainee"])
def test_a_match_with_someone_whose_account_is_deactivated_is_never_approved(proposal, coordinator, who):
    person = getattr(proposal, who).user
    person.is_active = False
    person.save()

    with pytest.raises(AccountDeactivated) as refused:
        match_approve(match=proposal, by=coordinator)

    assert refused.value.message == f"{person}'s account is deactivated: decline the match instead."
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED
    assert Notification.objects.count() == 0


def test_a_second_decision_is_refused_naming_who_decided_first(proposal, coordinator, program):
    other = CoordinatorFactory(full_name="Ben Coordinator")
    program.coordinators.add(other)
    stale = Match.objects.get(pk=proposal.pk)
    match_approve(match=proposal, by=coordinator)

    with pytest.raises(AlreadyDecided, match="already approved by Cora Coordinator") as caught:
        match_decline(match=stale, by=other, reason="Not a fit")
    assert caught.value.code == "already_approved"  # an AlreadyDecided that says what to do instead: end it
    assert "end it instead" in caught.value.message
    assert Match.objects.get(pk=proposal.pk).status == Match.Status.APPROVED


def test_a_cleared_at_risk_flag_is_not_taken_for_the_decision(proposal, coordinator, program):
    # Tried: the approver's account was deleted (the match keeps no `decided_by`), then another coordinator cleared
    # the match's at-risk flag (a history entry approved → approved). A stale decline then read "already approved
    # by Ben Coordinator", who only cleared the flag: the refusal takes the last change of status.
    other = CoordinatorFactory(full_name="Ben Coordinator")
    program.coordinators.add(other)
    stale = Match.objects.get(pk=proposal.pk)
    match_approve(match=proposal, by=coordinator)
    coordinator.delete()
    Match.objects.filter(pk=proposal.pk).update(at_risk_since=timezone.now(), at_risk_reason="Not a good fit.")
    match_clear_at_risk(match=Match.objects.get(pk=proposal.pk), by=other, note="Talked to both; fine now.")

    with pytest.raises(AlreadyDecided) as caught:
        match_decline(match=stale, by=other, reason="Not a fit")
    assert "was already approved on " in caught.value.message
    assert "Ben Coordinator" not in caught.value.message
    outcome = matches_approve(match_ids=[stale.pk], by=other)
    assert ["Ben Coordinator" in error.message for _, error in outcome.refused] == [False]


@pytest.mark.parametrize("who", ["coordinator of another program", "trainee", "mentor", "staff outsider"])
def test_only_coordinators_of_the_program_may_decide(who, proposal, mentor, trainee):
    people = {
        "coordinator of another program": lambda: ProgramFactory(
            coordinators=[CoordinatorFactory()]
        ).coordinators.get(),
        "trainee": lambda: trainee.user,
        "mentor": lambda: mentor.user,
        "staff outsider": lambda: UserFactory(is_staff=True),
    }
    by = people[who]()

    for action in (
        lambda: match_approve(match=proposal, by=by),
        lambda: match_decline(match=proposal, by=by, reason="no"),
    ):
        with pytest.raises(NotProgramCoordinator):
            action()
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED


def test_a_superuser_may_decide_any_program(proposal):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert match_approve(match=proposal, by=admin).status == Match.Status.APPROVED


def test_declining_needs_a_reason_and_saves_nothing_without_one(proposal, coordinator):
    with pytest.raises(ReasonRequired):
        match_decline(match=proposal, by=coordinator, reason="   ")
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED


def test_declining_tells_the_trainee_of_a_request_and_of_a_round_proposal_they_saw(program, coordinator):
    from notifications.rendering import render_email

    request = MatchFactory(program=program, origin=Match.Origin.REQUEST, status=Match.Status.REQUESTED)
    round_proposal = MatchFactory(program=program)  # shown on the trainee's home page as proposed by a round

    match_decline(match=request, by=coordinator, reason="Mentor is on leave")
    match_decline(match=round_proposal, by=coordinator, reason="Different specialty")

    request.refresh_from_db()
    assert request.decision_reason == "Mentor is on leave"
    assert list(Notification.objects.order_by("pk").values_list("kind", "recipient")) == [
        ("match_declined", request.trainee.user.pk),
        ("match_declined", round_proposal.trainee.user.pk),
    ]
    assert MatchTransition.objects.get(match=request).reason == "Mentor is on leave"
    told = render_email(Notification.objects.get(recipient=round_proposal.trainee.user))
    assert told.subject == f"{round_proposal.mentor} will not be your mentor"
    assert "A matching round proposed" in told.text
    assert "Reason: Different specialty" in told.text
    assert "request one yourself" in told.html


def test_only_an_approved_match_can_be_ended(proposal, coordinator):
    with pytest.raises(MatchNotActive):
        match_end(match=proposal, by=coordinator, reason="done")


def test_ending_records_the_reason_and_tells_both(program, coordinator):
    match = MatchFactory(program=program, status=Match.Status.APPROVED)
    match_end(match=match, by=coordinator, reason="Not a good fit")
    match.refresh_from_db()
    assert match.status == Match.Status.ENDED
    assert match.end_reason == "Not a good fit"
    assert match.ended_at is not None
    assert Notification.objects.filter(kind="match_ended").count() == 2


def test_other_mentors_are_unaffected_by_a_full_mentor(program, coordinator):
    full = MentorProfileFactory(capacity=1)
    MatchFactory(program=program, mentor=full, status=Match.Status.APPROVED)
    refused = MatchFactory(program=program, mentor=full, trainee=TraineeProfileFactory())
    free = MatchFactory(program=program)
    with pytest.raises(MentorAtCapacity):
        match_approve(match=refused, by=coordinator)
    assert match_approve(match=free, by=coordinator).status == Match.Status.APPROVED


def test_the_decision_emails_speak_to_each_person_in_their_role(program, coordinator, mentor, trainee):
    from notifications.rendering import render_email

    approved = match_approve(match=MatchFactory(program=program, mentor=mentor, trainee=trainee), by=coordinator)
    to_trainee = render_email(Notification.objects.get(kind="match_approved", recipient=trainee.user))
    to_mentor = render_email(Notification.objects.get(kind="match_approved", recipient=mentor.user))
    assert to_trainee.subject == "Your mentor: Dr Maya Patel"
    assert "Dr Maya Patel is now your mentor in Cardiology Mentoring" in to_trainee.text
    assert to_mentor.subject == "You have a new mentee: Tara Trainee"
    assert "<strong>Tara Trainee</strong> is now your mentee" in to_mentor.html

    match_end(match=approved, by=coordinator, reason="Moved away")
    ended = render_email(Notification.objects.get(kind="match_ended", recipient=trainee.user))
    assert "Reason: Moved away" in ended.text
    # The text version labels its link as the HTML's does ("See your matches"), not a bare URL.
    [thanks] = [line for line in ended.text.splitlines() if line.startswith("Thank you for taking part.")]
    assert thanks.startswith("Thank you for taking part. See your matches: http")
    assert thanks.endswith("/mentorship/")
    request = MatchFactory(program=program, origin=Match.Origin.REQUEST, status=Match.Status.REQUESTED)
    match_decline(match=request, by=coordinator, reason="On leave")
    declined = render_email(Notification.objects.get(kind="match_declined"))
    assert declined.subject.startswith("Your request for")
    assert "Reason: On leave" in declined.text


def test_approving_closes_the_trainees_other_requests_and_proposals_in_the_program(
    program, coordinator, mentor, trainee, login
):
    from django.urls import reverse

    from notifications.services import notify

    asked = MatchFactory(program=program, mentor=mentor, trainee=trainee, origin="request", status="requested")
    other_request = MatchFactory(program=program, trainee=trainee, origin="request", status="requested")
    proposal = MatchFactory(program=program, trainee=trainee)  # a round's
    elsewhere = MatchFactory(trainee=trainee, origin="request", status="requested")  # another program: untouched
    notify(recipient=coordinator, kind="match_request_reminder", about=other_request, occurrence="reminder")

    match_approve(match=asked, by=coordinator)

    for closed in (other_request, proposal):
        closed.refresh_from_db()
        assert closed.status == Match.Status.CANCELLED
        assert closed.decision_reason == "Dr Maya Patel was approved as mentor in Cardiology Mentoring."
        assert MatchTransition.objects.filter(match=closed, to_status="cancelled", by=coordinator).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.status == Match.Status.REQUESTED
    reminder = Notification.objects.get(kind="match_request_reminder")
    assert reminder.state == Notification.State.CANCELLED  # nobody is asked to decide a closed request
    page = login(trainee.user).get(reverse("matching-requests")).content.decode()
    assert "Reason: Dr Maya Patel was approved as mentor in Cardiology Mentoring." in page
    with pytest.raises(AlreadyDecided):
        match_approve(match=other_request, by=coordinator)


# --- Conflict of interest: a coordinator who is a party to a match never decides it ------------------------------


@pytest.fixture
def coordinating_mentor(program):
    """Cora coordinates the program and mentors in it too (a senior physician running the program she teaches in)."""
    cora = CoordinatorFactory(full_name="Dr Cora Mendes", email="cora.mendes@example.org")
    program.coordinators.add(cora)
    return MentorProfileFactory(user=cora)


@pytest.mark.parametrize("side", ["mentor", "trainee"])
def test_a_coordinator_who_is_a_party_cannot_approve_decline_or_end_the_match(program, coordinating_mentor, side):
    cora = coordinating_mentor.user
    party = {"mentor": coordinating_mentor} if side == "mentor" else {"trainee": TraineeProfileFactory(user=cora)}
    proposal = MatchFactory(program=program, **party)
    approved = MatchFactory(program=program, status=Match.Status.APPROVED, **party)

    for action in (
        lambda: match_approve(match=proposal, by=cora),
        lambda: match_decline(match=proposal, by=cora, reason="no"),
        lambda: match_end(match=approved, by=cora, reason="no"),
    ):
        with pytest.raises(ConflictOfInterest) as refused:
            action()
        assert refused.value.code == "conflict_of_interest"
        assert refused.value.status == 403
        assert f"You are the {side} in this match" in refused.value.message
        assert "another coordinator of Cardiology Mentoring must decide it" in refused.value.message

    assert Match.objects.get(pk=proposal.pk).status == Match.Status.PROPOSED
    assert Match.objects.get(pk=approved.pk).status == Match.Status.APPROVED
    assert not MatchTransition.objects.exists()
    assert not Notification.objects.exists()


def test_a_batch_approval_by_a_party_approves_the_others_and_refuses_their_own(program, coordinating_mentor):
    cora = coordinating_mentor.user
    own = MatchFactory(program=program, mentor=coordinating_mentor, score=95)
    others = [MatchFactory(program=program, score=60) for _ in range(2)]

    outcome = matches_approve(match_ids=[own.pk, *(m.pk for m in others)], by=cora)

    assert sorted(m.pk for m in outcome.approved) == sorted(m.pk for m in others)
    assert [(m.pk, e.code) for m, e in outcome.refused] == [(own.pk, "conflict_of_interest")]
    assert Match.objects.get(pk=own.pk).status == Match.Status.PROPOSED


def test_another_coordinator_of_the_program_decides_the_coordinators_own_match(program, coordinating_mentor):
    own = MatchFactory(program=program, mentor=coordinating_mentor)
    ben = CoordinatorFactory(full_name="Ben Coordinator")
    program.coordinators.add(ben)

    assert match_approve(match=own, by=ben).status == Match.Status.APPROVED


@pytest.mark.parametrize("removed", ["trainee", "mentor"])
def test_someone_removed_from_a_closed_program_since_the_proposal_is_not_approved_in_it(coordinator, removed):
    # Found in review: approval checked accounts, capacity and conflicts, but not enrolment, so a trainee (or
    # mentor) taken off a closed program after its round was still approved there and e-mailed.
    program = ProgramFactory(name="Closed Cohort", coordinators=[coordinator], open_to_all=False)
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel")
    trainee = TraineeProfileFactory(user__full_name="Tara Trainee")
    program.mentors.add(mentor)
    program.trainees.add(trainee)
    proposal = MatchFactory(program=program, mentor=mentor, trainee=trainee, status=Match.Status.PROPOSED)
    still_enrolled = MatchFactory(program=program, status=Match.Status.PROPOSED)
    program.mentors.add(still_enrolled.mentor)
    program.trainees.add(still_enrolled.trainee)
    getattr(program, f"{removed}s").remove(mentor if removed == "mentor" else trainee)

    outcome = matches_approve(match_ids=[proposal.pk, still_enrolled.pk], by=coordinator)

    assert [m.pk for m in outcome.approved] == [still_enrolled.pk]
    [(refused, error)] = outcome.refused
    name = "Dr Maya Patel" if removed == "mentor" else "Tara Trainee"
    assert (refused.pk, error.code) == (proposal.pk, "program_not_available")
    assert error.message == f"{name} is no longer enrolled in Closed Cohort: decline the match instead."
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED
    assert Notification.objects.filter(kind="match_approved").count() == 2  # both people of the other match only
