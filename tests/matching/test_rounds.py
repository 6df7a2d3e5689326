"""Matching rounds: a coordinator starts one, a worker writes proposals, running again replaces unapproved ones."""

from __future__ import annotations

import numpy as np
import pytest

from matching.models import Match, MatchingRound, MatchTransition
from matching.services.decisions import NotProgramCoordinator
from matching.services.rounds import RoundAlreadyRunning, round_start
from matching.tasks import run_round
from profiles.models import CareerStage
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    ShortlistEntryFactory,
    TraineeProfileFactory,
    focus_area,
    language,
    round_started_and_run,
    specialty,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Demo Program", coordinators=[coordinator])


@pytest.fixture
def cohort():
    mentors = [MentorProfileFactory(capacity=2) for _ in range(3)]
    trainees = TraineeProfileFactory.create_batch(5)
    return mentors, trainees


def test_starting_a_round_queues_the_task_after_commit(
    program, coordinator, cohort, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("matching.tasks.run_round.delay", sent.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        matching_round = round_start(program=program, algorithm="optimal", by=coordinator)
    assert sent == []  # nothing is sent before the round row is committed
    for callback in callbacks:
        callback()
    assert sent == [matching_round.pk]
    assert matching_round.status == MatchingRound.Status.QUEUED


def test_only_a_coordinator_of_the_program_may_start_a_round(program, trainee):
    other = CoordinatorFactory()
    for by in (other, trainee.user):
        with pytest.raises(NotProgramCoordinator):
            round_start(program=program, algorithm="optimal", by=by)
    assert not MatchingRound.objects.exists()


def test_a_second_round_is_refused_while_one_is_queued(program, coordinator, cohort):
    round_start(program=program, algorithm="optimal", by=coordinator)
    with pytest.raises(RoundAlreadyRunning):
        round_start(program=program, algorithm="stable", by=coordinator)
    assert MatchingRound.objects.count() == 1


@pytest.mark.parametrize("algorithm", ["optimal", "stable"])
def test_a_round_proposes_within_capacity_with_scores_breakdowns_and_quality(program, coordinator, cohort, algorithm):
    mentors, _trainees = cohort
    matching_round = round_started_and_run(program, coordinator, algorithm)

    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    assert (matching_round.stage, matching_round.progress) == ("done", 100)
    proposals = Match.objects.filter(round=matching_round)
    assert proposals.count() == 5  # 6 places for 5 trainees, everyone compatible
    assert all(p.status == "proposed" and p.origin == "round" for p in proposals)
    loads = [proposals.filter(mentor=m).count() for m in mentors]
    assert max(loads) <= 2
    first = proposals.first()
    assert 0 < first.score <= 100
    names = {c["name"] for c in first.score_breakdown["components"]}
    assert {"specialty", "focus_areas", "career_stage"} <= names
    assert sum(c["points"] for c in first.score_breakdown["components"]) == pytest.approx(first.score, abs=0.1)
    assert matching_round.quality["matched_pct_of_possible"] == 100.0
    assert MatchTransition.objects.filter(match__round=matching_round, to_status="proposed").count() == 5


def test_running_again_replaces_unapproved_proposals_and_respects_approved_ones(program, coordinator, cohort):
    _mentors, _trainees = cohort
    first = round_started_and_run(program, coordinator)
    kept = Match.objects.filter(round=first).first()
    kept.status = Match.Status.APPROVED
    kept.save()

    second = round_started_and_run(program, coordinator)

    assert second.status == MatchingRound.Status.DONE, second.error
    kept.refresh_from_db()
    assert kept.status == Match.Status.APPROVED
    assert not Match.objects.filter(round=first, status="proposed").exists()
    assert Match.objects.filter(round=first, status="cancelled").count() == 4
    new = Match.objects.filter(round=second)
    assert new.count() == 4
    assert kept.trainee_id not in set(new.values_list("trainee_id", flat=True))
    # The approved match uses one of its mentor's two places: at most one more proposal for that mentor.
    assert new.filter(mentor=kept.mentor).count() <= 1
    reasons = set(MatchTransition.objects.filter(to_status="cancelled").values_list("reason", flat=True))
    assert reasons == {f"Replaced by matching round #{second.pk}"}
    audit = MatchTransition.objects.filter(to_status="cancelled").first()
    assert (audit.from_status, audit.by) == ("proposed", coordinator)
    assert abs((audit.at - second.finished_at).total_seconds()) < 60


def test_full_and_closed_mentors_get_no_proposals(program, coordinator):
    full = MentorProfileFactory(capacity=1)
    MatchFactory(mentor=full, status=Match.Status.APPROVED)  # in another program: capacity is one budget
    closed = MentorProfileFactory(accepting_mentees=False)
    open_mentor = MentorProfileFactory(capacity=1)
    TraineeProfileFactory.create_batch(2)

    matching_round = round_started_and_run(program, coordinator)

    mentors = set(Match.objects.filter(round=matching_round).values_list("mentor_id", flat=True))
    assert mentors == {open_mentor.pk}
    assert full.pk not in mentors
    assert closed.pk not in mentors


def test_deactivated_accounts_take_no_part_in_a_round(program, coordinator):
    left_mentor = MentorProfileFactory(capacity=3, user__is_active=False)
    mentor = MentorProfileFactory(capacity=3)
    left_trainee = TraineeProfileFactory(user__is_active=False)
    trainee = TraineeProfileFactory()

    matching_round = round_started_and_run(program, coordinator)

    proposals = Match.objects.filter(round=matching_round).values_list("trainee_id", "mentor_id")
    assert list(proposals) == [(trainee.pk, mentor.pk)]  # neither left_mentor nor left_trainee
    assert not Match.objects.filter(mentor=left_mentor).exists()
    assert not Match.objects.filter(trainee=left_trainee).exists()


def test_a_pair_that_already_has_a_live_request_is_not_proposed_again(program, coordinator):
    mentor = MentorProfileFactory(capacity=2)
    trainee = TraineeProfileFactory()
    MatchFactory(mentor=mentor, trainee=trainee, status="requested", origin="request")  # in another program

    matching_round = round_started_and_run(program, coordinator)

    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    assert not Match.objects.filter(round=matching_round).exists()
    assert matching_round.quality["matched"] == 0


def test_stable_rounds_give_trainees_their_first_ranked_choice_when_possible(program, coordinator):
    mentors = [MentorProfileFactory(capacity=1) for _ in range(3)]
    trainee = TraineeProfileFactory()
    ShortlistEntryFactory(trainee=trainee, mentor=mentors[2], rank=1)

    matching_round = round_started_and_run(program, coordinator, "stable")

    proposal = Match.objects.get(round=matching_round)
    assert proposal.mentor == mentors[2]
    assert matching_round.quality["top3_pct"] == 100.0
    # Why, as the directory words it: the trainee's own choice first.
    assert proposal.score_breakdown["summary"].startswith("Your #1 choice · same specialty (Cardiology)")
    reasons = {c["name"]: c["reason"] for c in proposal.score_breakdown["components"]}
    assert reasons["shortlist"] == "Your #1 choice"


def test_a_mentor_who_assesses_a_trainee_is_never_proposed_to_them(program, coordinator):
    mentor = MentorProfileFactory(capacity=3)
    trainee = TraineeProfileFactory()
    mentor.assesses.add(trainee)
    matching_round = round_started_and_run(program, coordinator)
    assert not Match.objects.filter(round=matching_round).exists()


def test_a_failing_round_is_marked_failed_with_the_error_and_writes_nothing(program, coordinator, cohort, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr("matching.services.round_engine.explain_pairs", explode)
    matching_round = round_started_and_run(program, coordinator)
    assert matching_round.status == MatchingRound.Status.FAILED
    assert "engine exploded" in matching_round.error
    assert not Match.objects.exists()


def test_a_redelivered_task_does_nothing_once_the_round_is_done(program, coordinator, cohort):
    matching_round = round_started_and_run(program, coordinator)
    before = Match.objects.count()
    run_round(matching_round.pk)
    assert Match.objects.count() == before
    assert MatchingRound.objects.get(pk=matching_round.pk).status == MatchingRound.Status.DONE


def test_only_enrolled_people_take_part_when_the_program_is_not_open_to_all(coordinator):
    program = ProgramFactory(open_to_all=False, coordinators=[coordinator])
    mentor = MentorProfileFactory(capacity=3)
    enrolled = TraineeProfileFactory(career_stage=CareerStage.INTERN)
    TraineeProfileFactory()  # not enrolled
    program.mentors.add(mentor)
    program.trainees.add(enrolled)

    matching_round = round_started_and_run(program, coordinator)

    assert list(Match.objects.filter(round=matching_round).values_list("trainee_id", flat=True)) == [enrolled.pk]


def test_each_proposals_snapshot_equals_the_engines_score_for_that_pair(program, coordinator, monkeypatch):
    from matching.features import cohort_features
    from matching.scoring import score

    monkeypatch.setattr("matching.services.round_engine.EXPLAIN_BATCH", 2)  # many batches, mixed mentors
    for capacity in (1, 2, 3):
        MentorProfileFactory(capacity=capacity, career_stage=CareerStage.SENIOR - capacity)
    for stage in (CareerStage.CLINICAL_STUDENT, CareerStage.INTERN, CareerStage.RESIDENT):
        TraineeProfileFactory.create_batch(2, career_stage=stage)
    ShortlistEntryFactory(trainee=TraineeProfileFactory(), mentor=MentorProfileFactory(), rank=1)

    matching_round = round_started_and_run(program, coordinator)

    cohort = cohort_features(program)
    full = score(
        cohort.trainees, cohort.mentors, cohort.weights, shortlist=cohort.shortlist, conflicts=cohort.conflicts
    )
    proposals = Match.objects.filter(round=matching_round)
    assert proposals.count() >= 6
    for proposal in proposals:
        i = int(cohort.trainees.position_of([proposal.trainee_id])[0])
        j = int(cohort.mentors.position_of([proposal.mentor_id])[0])
        assert proposal.score == pytest.approx(float(full.total[i, j]), abs=0.01)
        assert proposal.score_breakdown["total"] == pytest.approx(proposal.score, abs=0.01)
        points = {c["name"]: c["points"] for c in proposal.score_breakdown["components"]}
        assert sum(points.values()) == pytest.approx(proposal.score, abs=0.05)
        assert points.get("shortlist", 0.0) >= 0.0  # a bonus, never a cost


def test_a_person_with_both_profiles_is_never_proposed_to_themselves(program, coordinator):
    mentor = MentorProfileFactory(capacity=2, career_stage=CareerStage.FELLOW)
    TraineeProfileFactory(user=mentor.user, career_stage=CareerStage.INTERN)  # the same person, as a trainee

    matching_round = round_started_and_run(program, coordinator)

    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    assert not Match.objects.filter(round=matching_round).exists()


def test_a_round_where_every_trainee_is_already_matched_is_refused_and_changes_nothing(program, coordinator):
    from matching.services.rounds import NoTraineesToMatch

    trainee = TraineeProfileFactory()
    MatchFactory(program=program, trainee=trainee, mentor=MentorProfileFactory(capacity=3), status="approved")

    with pytest.raises(NoTraineesToMatch, match="Demo Program has no trainee to match"):
        round_start(program=program, algorithm="optimal", by=coordinator)

    assert not MatchingRound.objects.exists()
    assert Match.objects.filter(program=program).count() == 1


def test_a_round_leaves_requesters_to_their_request_and_holds_the_places_requests_wait_for(program, coordinator):
    from matching.services.decisions import match_approve

    popular = MentorProfileFactory(capacity=2, user__full_name="Dr Popular")
    spare = MentorProfileFactory(capacity=3, user__full_name="Dr Spare")
    asker = TraineeProfileFactory(user__full_name="Asker Here")
    others = TraineeProfileFactory.create_batch(3)
    request = MatchFactory(program=program, mentor=popular, trainee=asker, origin="request", status="requested")
    # A request in another program waits on Dr Popular's second place.
    MatchFactory(mentor=popular, origin="request", status="requested")

    matching_round = round_started_and_run(program, coordinator)

    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    proposals = Match.objects.filter(round=matching_round)
    assert not proposals.filter(trainee=asker).exists()  # their own choice waits for the coordinator
    assert not proposals.filter(mentor=popular).exists()  # both its places are held by requests
    assert sorted(p.trainee_id for p in proposals.filter(mentor=spare)) == sorted(t.pk for t in others)
    assert match_approve(match=request, by=coordinator).status == Match.Status.APPROVED  # still possible


def test_trainees_asking_several_mentors_hold_one_place_between_them_not_one_each(program, coordinator):
    # Only one of a trainee's requests in a program can be approved. Before, two trainees who each asked the
    # same three mentors held six places; the round could offer none of those mentors' places.
    from matching.services.round_participants import places_held

    mentors = [MentorProfileFactory(capacity=2) for _ in range(3)]
    askers = TraineeProfileFactory.create_batch(2)
    for asker in askers:
        for mentor in mentors:
            MatchFactory(program=program, mentor=mentor, trainee=asker, origin="request", status="requested")
    lone = MentorProfileFactory(capacity=2)
    MatchFactory(program=program, mentor=lone, origin="request", status="requested")  # its trainee's only request
    TraineeProfileFactory.create_batch(4)  # asked nobody: the round matches them
    ids = np.array([m.pk for m in [*mentors, lone]], dtype=np.int64)
    assert places_held(program, ids).tolist() == [1, 1, 1, 1]  # 2 × 1/3 rounds up to one place each; a lone request 1

    matching_round = round_started_and_run(program, coordinator)
    offered = Match.objects.filter(round=matching_round)
    assert all(offered.filter(mentor=m).count() <= 1 for m in [*mentors, lone])  # one place left with each


def test_another_programs_proposals_hold_their_places_until_decided(coordinator):
    # Found in review: a mentor with one place in two open programs was proposed in both, and approving both
    # rounds' proposals refused one ("at capacity 1/1"): the second round had offered a place already promised.
    from matching.services.decisions import matches_approve

    mentor = MentorProfileFactory(capacity=1)
    first, second = (ProgramFactory(coordinators=[coordinator]) for _ in range(2))
    TraineeProfileFactory.create_batch(2)

    from matching.services.rounds import NoFreePlaces

    round_started_and_run(first, coordinator)
    assert Match.objects.filter(program=first, mentor=mentor, status=Match.Status.PROPOSED).count() == 1
    with pytest.raises(NoFreePlaces):  # the only place is promised: the second program's round is not started
        round_started_and_run(second, coordinator)

    assert not Match.objects.filter(program=second, status=Match.Status.PROPOSED).exists()
    outcome = matches_approve(
        match_ids=Match.objects.filter(status="proposed").values_list("pk", flat=True), by=coordinator
    )
    assert (len(outcome.approved), outcome.refused) == (1, [])


def test_a_programs_own_proposals_do_not_hold_places_from_its_next_round(program, coordinator):
    # Its next round replaces them, so it may offer those places again (to the same trainees or others).
    mentor = MentorProfileFactory(capacity=1)
    TraineeProfileFactory()
    round_started_and_run(program, coordinator)
    again = round_started_and_run(program, coordinator)
    assert Match.objects.get(program=program, status=Match.Status.PROPOSED).round == again
    assert Match.objects.get(program=program, status=Match.Status.PROPOSED).mentor == mentor


def test_no_round_starts_for_an_inactive_program(coordinator):
    from matching.services.rounds import ProgramInactive

    program = ProgramFactory(name="Closed Cohort", coordinators=[coordinator], is_active=False)
    with pytest.raises(ProgramInactive, match=r"Closed Cohort is not active, so no round can run for it\."):
        round_start(program=program, algorithm="optimal", by=coordinator)
    assert not MatchingRound.objects.exists()


# --- The quality report ------------------------------------------------------------------------------------------


def test_the_load_spread_reads_even_when_each_mentor_is_full_whatever_their_capacity(program, coordinator):
    # Found in review: mentors of capacity 1 and 3, both exactly full, read 0.25 from raw mentee counts.
    MentorProfileFactory(capacity=1)
    MentorProfileFactory(capacity=3)
    TraineeProfileFactory.create_batch(4)

    matching_round = round_started_and_run(program, coordinator)

    assert matching_round.quality["matched"] == 4
    assert matching_round.quality["load_gini"] == 0.0


def _two_trainees_who_want_the_same_mentor():
    """Both trainees fit Dr Both best (Dr Both fits Tara better); Sam speaks only Spanish, so Dr English is not
    acceptable to him. An optimal round matches both (Sam with Dr Both, Tara with Dr English), leaving Tara and
    Dr Both wanting each other; a stable round gives Tara Dr Both and leaves Sam unmatched."""
    MentorProfileFactory(user__full_name="Dr Both", capacity=1, languages=[language("en"), language("es")])
    MentorProfileFactory(user__full_name="Dr English", capacity=1, specialty=specialty("Dermatology"))
    TraineeProfileFactory(user__full_name="Tara")
    TraineeProfileFactory(user__full_name="Sam", languages=[language("es")], focus_areas=[focus_area(5)])


@pytest.mark.parametrize(("algorithm", "matched", "blocking"), [("optimal", 2, 1), ("stable", 1, 0)])
def test_every_round_reports_the_pairs_who_would_rather_have_each_other(
    program, coordinator, algorithm, matched, blocking
):
    # Found in review: an optimal round reported no blocking pairs at all, so coordinators could not weigh its
    # higher total fit against what a stable round would leave.
    _two_trainees_who_want_the_same_mentor()

    matching_round = round_started_and_run(program, coordinator, algorithm)

    assert (matching_round.quality["matched"], matching_round.quality["blocking_pairs"]) == (matched, blocking)


def _engine_cohort(trainees, mentors, shortlist=None):
    """What the round engine reads of a program's cohort (matching.features.Cohort), from plain arrays."""
    from types import SimpleNamespace

    from matching.scoring import Shortlist, Weights

    return SimpleNamespace(
        trainees=trainees,
        mentors=mentors,
        weights=Weights(),
        shortlist=shortlist or Shortlist.from_entries([]),
        conflicts=np.empty((0, 2), dtype=np.int64),
    )


@pytest.mark.parametrize("algorithm", ["optimal", "stable"])
def test_a_round_with_no_free_place_reports_no_blocking_pair_rather_than_none(algorithm):
    from matching.services import round_engine
    from tests.matching.engine_data import random_features

    trainees, mentors = random_features(3, 5, 4)
    outcome = round_engine.assign(
        _engine_cohort(trainees, mentors),
        algorithm=algorithm,
        capacity=np.zeros(4, dtype=np.int64),
        extra_conflicts=np.empty((0, 2), dtype=np.int64),
        progress=lambda *_: None,
    )
    assert (outcome.quality["matched"], outcome.quality["blocking_pairs"]) == (0, 0)


def test_an_optimal_round_is_counted_against_the_very_lists_a_stable_round_uses(monkeypatch):
    """Arrays only: the round engine's preference lists are the ones `assign_cohort`'s stable mode builds (deferred
    acceptance on them gives its very assignment), ranked shortlists first and cut to the list length, and the
    optimal round's count is the pairs that block under them."""
    from matching.assignment import assign_cohort, stable
    from matching.quality import blocking_pairs
    from matching.scoring import Shortlist
    from matching.services import round_engine
    from tests.matching.engine_data import random_features

    monkeypatch.setattr(round_engine, "PREF_LENGTH", 3)  # shorter than the 12 mentors: lists are cut
    trainees, mentors = random_features(5, 60, 12)
    rng = np.random.default_rng(5)
    ranked = [(int(t), int(m), r) for t in trainees.ids[:20] for r, m in enumerate(rng.permutation(mentors.ids)[:2], 1)]
    cohort = _engine_cohort(trainees, mentors, Shortlist.from_entries(ranked))
    capacity = rng.integers(1, 3, 12).astype(np.int64)
    nothing = np.empty((0, 2), dtype=np.int64)

    outcome = round_engine.assign(
        cohort, algorithm="optimal", capacity=capacity, extra_conflicts=nothing, progress=lambda *_: None
    )

    by_stable_mode = assign_cohort(
        trainees, mentors, cohort.weights, capacity, shortlist=cohort.shortlist, method="stable", pref_length=3
    )
    assert by_stable_mode.stable_prefs is not None
    prefs = by_stable_mode.stable_prefs
    # The optimal mode's lists, picked in its own scoring pass, are the stable mode's to the last entry.
    by_optimal_mode = assign_cohort(
        trainees, mentors, cohort.weights, capacity, shortlist=cohort.shortlist, pref_length=3, stable_lists=True
    )
    assert by_optimal_mode.stable_prefs is not None
    assert by_optimal_mode.stable_prefs[0].tolist() == prefs[0].tolist()
    assert [p.tolist() for p in by_optimal_mode.stable_prefs[1]] == [p.tolist() for p in prefs[1]]
    assert stable(*prefs, capacity).tolist() == by_stable_mode.assignment.tolist()
    assert prefs[0].shape[1] <= 3 + 2  # 3 by score, longer only for a ranked shortlist
    assert outcome.quality["blocking_pairs"] == blocking_pairs(outcome.assignment, *prefs, capacity) > 0
    assert blocking_pairs(by_stable_mode.assignment, *prefs, capacity) == 0
