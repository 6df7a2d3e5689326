"""People change while a round runs (it loads, scores for seconds, then writes): what the round writes is checked
again under row locks, and the saved report is of the proposals written. (The same with real concurrent
transactions on PostgreSQL: test_round_concurrency.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from matching.assignment import prefs_from_scores
from matching.features import cohort_features
from matching.models import Match, MatchingRound
from matching.scoring import score
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


@pytest.fixture
def meanwhile(monkeypatch):
    """`meanwhile(change)`: make the change after the engine has chosen the pairs, before they are written."""
    from matching.services import round_engine

    def arrange(change):
        explain = round_engine.explain_pairs

        def explain_then_change(*args, **kwargs):
            out = explain(*args, **kwargs)
            change()
            return out

        monkeypatch.setattr(round_engine, "explain_pairs", explain_then_change)

    return arrange


def test_a_mentor_who_stops_accepting_while_the_round_runs_gets_no_proposal(program, coordinator, meanwhile):
    closing = MentorProfileFactory(capacity=3, user__full_name="Dr Closing")
    other = MentorProfileFactory(capacity=3, career_stage=CareerStage.RESIDENT)
    TraineeProfileFactory.create_batch(4)
    meanwhile(lambda: MentorProfile.objects.filter(pk=closing.pk).update(accepting_mentees=False))

    matching_round = round_started_and_run(program, coordinator)

    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    written = Match.objects.filter(round=matching_round)
    assert not written.filter(mentor=closing).exists()
    assert written.filter(mentor=other).exists()
    assert matching_round.quality["matched"] == written.count()
    assert matching_round.quality["not_written"] == 4 - written.count()


def test_a_mentor_who_lowers_capacity_while_the_round_runs_keeps_their_best_scoring_proposals(
    program, coordinator, meanwhile
):
    mentor = MentorProfileFactory(capacity=3)
    for stage in (CareerStage.CLINICAL_STUDENT, CareerStage.INTERN, CareerStage.RESIDENT):
        TraineeProfileFactory(career_stage=stage)
    meanwhile(lambda: MentorProfile.objects.filter(pk=mentor.pk).update(capacity=1))

    matching_round = round_started_and_run(program, coordinator)

    [kept] = Match.objects.filter(round=matching_round)
    cohort = cohort_features(program)
    scores = score(cohort.trainees, cohort.mentors, cohort.weights).total[:, 0]
    assert len(set(scores.round(2))) == 3
    assert kept.score == pytest.approx(scores.max(), abs=0.01)
    quality = matching_round.quality
    assert (quality["matched"], quality["not_written"], quality["unmatched_places_ran_out"]) == (1, 2, 2)
    assert (quality["free_places"], quality["free_places_left"]) == (1, 0)


def test_a_mentor_approved_to_capacity_elsewhere_while_the_round_runs_gets_no_proposal(program, coordinator, meanwhile):
    mentor = MentorProfileFactory(capacity=1)
    spare = MentorProfileFactory(capacity=2, career_stage=CareerStage.RESIDENT)
    TraineeProfileFactory.create_batch(2)
    meanwhile(lambda: MatchFactory(mentor=mentor, status="approved"))  # another program's coordinator

    matching_round = round_started_and_run(program, coordinator)

    assert set(Match.objects.filter(round=matching_round).values_list("mentor_id", flat=True)) <= {spare.pk}
    assert matching_round.quality["matched"] == Match.objects.filter(round=matching_round).count()


def test_a_trainee_who_leaves_while_the_round_runs_gets_no_proposal_and_leaves_the_report(
    program, coordinator, meanwhile
):
    from matching.services.departures import departure_close_matches

    MentorProfileFactory(capacity=3)
    leaver = TraineeProfileFactory()
    stayer = TraineeProfileFactory()

    def leave():
        leaver.user.is_active = False
        leaver.user.save()
        departure_close_matches(leaver.user, coordinator)

    meanwhile(leave)

    matching_round = round_started_and_run(program, coordinator)

    assert list(Match.objects.filter(round=matching_round).values_list("trainee_id", flat=True)) == [stayer.pk]
    quality = matching_round.quality
    assert (quality["trainees"], quality["matched"], quality["unmatched"], quality["not_written"]) == (1, 1, 0, 1)


def test_a_trainee_approved_or_asking_a_mentor_here_while_the_round_runs_gets_no_proposal(
    program, coordinator, meanwhile
):
    mentor = MentorProfileFactory(capacity=4)
    approved, asking, other = TraineeProfileFactory.create_batch(3)

    def decide():
        MatchFactory(program=program, trainee=approved, mentor=MentorProfileFactory(), status="approved")
        MatchFactory(program=program, trainee=asking, mentor=MentorProfileFactory(), status="requested")

    meanwhile(decide)

    matching_round = round_started_and_run(program, coordinator)

    assert list(Match.objects.filter(round=matching_round).values_list("trainee_id", flat=True)) == [other.pk]
    assert Match.objects.get(round=matching_round).mentor == mentor


def test_a_pair_a_coordinator_declines_while_the_round_runs_is_not_proposed_again(program, coordinator, meanwhile):
    from matching.services.decisions import match_decline

    MentorProfileFactory(capacity=1)
    TraineeProfileFactory()
    first = round_started_and_run(program, coordinator)
    proposal = Match.objects.get(round=first)
    meanwhile(lambda: match_decline(match=proposal, by=coordinator, reason="Not this pair."))

    second = round_started_and_run(program, coordinator)

    assert second.status == MatchingRound.Status.DONE, second.error
    assert not Match.objects.filter(round=second).exists()
    assert Match.objects.get(pk=proposal.pk).status == Match.Status.DECLINED


def test_a_pair_requested_elsewhere_while_the_round_runs_is_skipped_not_a_server_error(program, coordinator, meanwhile):
    mentor = MentorProfileFactory(capacity=2)
    trainee = TraineeProfileFactory()
    meanwhile(lambda: MatchFactory(mentor=mentor, trainee=trainee, status="requested", origin="request"))

    matching_round = round_started_and_run(program, coordinator)

    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    assert not Match.objects.filter(round=matching_round).exists()


@pytest.mark.parametrize("algorithm", ["optimal", "stable"])
def test_the_report_is_of_the_proposals_written_when_some_were_dropped(program, coordinator, meanwhile, algorithm):
    mentors = [
        MentorProfileFactory(capacity=1 + i % 3, career_stage=CareerStage.FELLOW + i % 3, user__full_name=f"Dr M{i}")
        for i in range(8)
    ]
    TraineeProfileFactory.create_batch(14)
    closing = [mentors[0].pk, mentors[4].pk]  # a best fit for everyone and a middling one
    meanwhile(lambda: MentorProfile.objects.filter(pk__in=closing).update(accepting_mentees=False))

    matching_round = round_started_and_run(program, coordinator, algorithm)

    quality = matching_round.quality
    written = list(Match.objects.filter(round=matching_round))
    assert written
    assert quality["not_written"] > 0
    assert not [p for p in written if p.mentor_id in closing]
    assert quality["trainees"] == 14
    assert (quality["matched"], quality["unmatched"]) == (len(written), 14 - len(written))
    assert quality["mean_score"] == pytest.approx(sum(p.score for p in written) / len(written), abs=0.01)
    offered = sum(m.capacity for m in mentors if m.pk not in closing)
    assert quality["free_places"] == offered
    assert quality["free_places_left"] == offered - len(written)
    assert quality["blocking_pairs"] is None  # the engine's count was of the pairs it chose, not of these
    # Top-3 share, worked out here from every score: each trainee's order as the engine makes it (by score for
    # optimal, on their 50-long preference list for stable), over all the mentors the round offered places with.
    cohort = cohort_features(program)
    total = score(cohort.trainees, cohort.mentors, cohort.weights, conflicts=cohort.conflicts).total.astype(np.float32)
    row = {int(t): i for i, t in enumerate(cohort.trainees.ids)}
    col = {int(m): j for j, m in enumerate(cohort.mentors.ids)}
    prefs, _ = prefs_from_scores(total, k=50)
    top3 = 0
    for proposal in written:
        i, j = row[proposal.trainee_id], col[proposal.mentor_id]
        top3 += j in prefs[i, :3] if algorithm == "stable" else (total[i] > total[i, j]).sum() < 3
    assert 0 < top3 < len(written)
    assert quality["top3_pct"] == pytest.approx(100 * top3 / len(written), abs=0.01)
