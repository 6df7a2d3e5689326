"""The worker running a round dies (killed, redeployed, out of memory): the round's heartbeat stops, the redelivered
task takes it over, and a coordinator's new start fails it and runs in its place. A worker that lost its round
writes nothing. (With a real Celery worker whose child is killed: test_round_worker_killed.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match, MatchingRound
from matching.models.rounds import HEARTBEAT_STALE, QUEUED_STALE
from matching.services.round_claims import round_claim
from matching.services.rounds import RoundAlreadyRunning, round_run, round_start
from matching.tasks import run_round
from tests.factories import MentorProfileFactory, ProgramFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    MentorProfileFactory.create_batch(2, capacity=2)
    TraineeProfileFactory.create_batch(3)
    return ProgramFactory(name="Demo Program", coordinators=[coordinator])


class Retried(Exception):
    pass


@pytest.fixture
def retries(monkeypatch):
    """The countdowns run_round asked to be retried with (the test stands in for the broker)."""
    asked: list[float] = []

    def retry(countdown):
        asked.append(countdown)
        return Retried()

    monkeypatch.setattr(run_round, "retry", retry)
    return asked


def _claimed_by_a_worker_that_then_died(program, coordinator, *, silent_for):
    """A round a worker claimed and worked on until `silent_for` ago, at "scoring", then was killed."""
    matching_round = round_start(program=program, algorithm="optimal", by=coordinator)
    assert round_claim(MatchingRound.objects.get(pk=matching_round.pk))
    last = timezone.now() - silent_for
    MatchingRound.objects.filter(pk=matching_round.pk).update(
        stage="scoring", progress=20, started_at=last - timedelta(seconds=5), heartbeat_at=last
    )
    return MatchingRound.objects.get(pk=matching_round.pk)


def test_every_stage_of_a_round_is_a_heartbeat(program, coordinator, monkeypatch):
    from matching.services import round_claims

    beats: list[tuple[str, object]] = []
    real = round_claims.round_heartbeat

    def heartbeat(matching_round, stage, progress):
        real(matching_round, stage, progress)
        beats.append((stage, MatchingRound.objects.get(pk=matching_round.pk).heartbeat_at))

    monkeypatch.setattr("matching.services.rounds.round_heartbeat", heartbeat)

    matching_round = round_run(matching_round=round_start(program=program, algorithm="optimal", by=coordinator))

    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    assert [stage for stage, _ in beats] == ["scoring", "assigning", "writing proposals"]
    stamps = [matching_round.started_at] + [at for _, at in beats]
    assert stamps == sorted(stamps)


def test_a_redelivered_task_finding_its_round_alive_looks_again_once_the_heartbeat_could_have_gone_stale(
    program, coordinator, retries
):
    matching_round = _claimed_by_a_worker_that_then_died(program, coordinator, silent_for=timedelta(seconds=10))

    with pytest.raises(Retried):
        run_round(matching_round.pk)  # the broker's redelivery, seconds after the kill

    matching_round.refresh_from_db()
    assert (matching_round.status, matching_round.stage) == (MatchingRound.Status.RUNNING, "scoring")
    [countdown] = retries
    left = (HEARTBEAT_STALE - timedelta(seconds=10)).total_seconds()
    assert left < countdown < left + 5


def test_a_redelivered_task_takes_over_a_round_whose_heartbeat_went_stale_and_finishes_it(
    program, coordinator, retries
):
    matching_round = _claimed_by_a_worker_that_then_died(program, coordinator, silent_for=HEARTBEAT_STALE * 1.1)

    run_round(matching_round.pk)  # the retry, a minute after the kill

    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.DONE, matching_round.error
    assert Match.objects.filter(round=matching_round).count() == 3
    assert retries == []


def test_a_slow_round_whose_worker_is_alive_is_never_taken_over(program, coordinator, retries):
    matching_round = _claimed_by_a_worker_that_then_died(program, coordinator, silent_for=timedelta(seconds=1))
    MatchingRound.objects.filter(pk=matching_round.pk).update(started_at=timezone.now() - timedelta(hours=1))

    with pytest.raises(Retried):
        run_round(matching_round.pk)

    assert MatchingRound.objects.get(pk=matching_round.pk).status == MatchingRound.Status.RUNNING
    assert not Match.objects.exists()
    with pytest.raises(RoundAlreadyRunning, match=r"A round for Demo Program is already running"):
        round_start(program=program, algorithm="optimal", by=coordinator)


def test_a_redelivered_task_stops_looking_after_its_bounded_retries(program, coordinator, retries, monkeypatch):
    from matching import tasks

    matching_round = _claimed_by_a_worker_that_then_died(program, coordinator, silent_for=timedelta(seconds=1))
    run_round.push_request(retries=tasks.ROUND_LOOKS)
    try:
        run_round(matching_round.pk)
    finally:
        run_round.pop_request()

    assert retries == []


def test_a_new_start_past_a_round_whose_worker_died_fails_it_with_a_plain_message(program, coordinator):
    dead = _claimed_by_a_worker_that_then_died(program, coordinator, silent_for=HEARTBEAT_STALE * 2)

    again = round_start(program=program, algorithm="optimal", by=coordinator)
    done = round_run(matching_round=MatchingRound.objects.get(pk=again.pk))

    dead.refresh_from_db()
    assert dead.status == MatchingRound.Status.FAILED
    assert dead.error == (
        f"The worker running this round stopped before it finished. Round #{again.pk}, started since, replaces it."
    )
    assert dead.finished_at is not None
    assert done.status == MatchingRound.Status.DONE, done.error


def test_a_round_replaced_by_a_new_start_never_runs_when_its_task_comes_at_last(program, coordinator, retries):
    old = round_start(program=program, algorithm="optimal", by=coordinator)  # its task waits: workers are down
    MatchingRound.objects.filter(pk=old.pk).update(created_at=timezone.now() - QUEUED_STALE - timedelta(minutes=1))
    new = round_start(program=program, algorithm="optimal", by=coordinator)

    run_round(old.pk)  # the workers are back: the old message is delivered too

    old.refresh_from_db()
    assert old.status == MatchingRound.Status.FAILED
    assert old.error == f"No worker took this round up within 30 minutes. Round #{new.pk}, started since, replaces it."
    assert not Match.objects.exists()
    assert retries == []


def test_a_worker_whose_round_was_replaced_while_it_ran_stops_without_writing(program, coordinator, monkeypatch):
    from matching.services import round_engine

    matching_round = round_start(program=program, algorithm="optimal", by=coordinator)
    replacement: list[MatchingRound] = []
    explain = round_engine.explain_pairs

    def explain_while_a_new_start_replaces_the_round(*args, **kwargs):
        # The worker froze so long (a paused VM) that its round looked dead, and a coordinator started another.
        MatchingRound.objects.filter(pk=matching_round.pk).update(heartbeat_at=timezone.now() - 2 * HEARTBEAT_STALE)
        replacement.append(round_start(program=program, algorithm="optimal", by=coordinator))
        return explain(*args, **kwargs)

    monkeypatch.setattr(round_engine, "explain_pairs", explain_while_a_new_start_replaces_the_round)

    stopped = round_run(matching_round=MatchingRound.objects.get(pk=matching_round.pk))

    assert stopped.status == MatchingRound.Status.FAILED
    assert stopped.error.startswith("The worker running this round stopped before it finished.")
    assert not Match.objects.exists()
    assert MatchingRound.objects.get(pk=replacement[0].pk).status == MatchingRound.Status.QUEUED


def test_a_worker_whose_round_was_taken_over_while_it_ran_stops_without_writing(program, coordinator, monkeypatch):
    from matching.services import round_engine

    matching_round = round_start(program=program, algorithm="optimal", by=coordinator)
    explain = round_engine.explain_pairs

    def explain_while_another_worker_takes_over(*args, **kwargs):
        MatchingRound.objects.filter(pk=matching_round.pk).update(heartbeat_at=timezone.now() - 2 * HEARTBEAT_STALE)
        assert round_claim(MatchingRound.objects.get(pk=matching_round.pk))  # the redelivered task's claim
        return explain(*args, **kwargs)

    monkeypatch.setattr(round_engine, "explain_pairs", explain_while_another_worker_takes_over)

    lost = round_run(matching_round=MatchingRound.objects.get(pk=matching_round.pk))

    assert (lost.status, lost.stage) == (MatchingRound.Status.RUNNING, "loading")  # the other worker's, untouched
    assert not Match.objects.exists()


def test_a_round_started_after_this_one_supersedes_it(program, coordinator):
    older = MatchingRound.objects.create(program=program, started_by=coordinator)
    newer = MatchingRound.objects.create(program=program, started_by=coordinator)

    matching_round = round_run(matching_round=older)

    assert matching_round.status == MatchingRound.Status.FAILED
    assert matching_round.error == f"Round #{newer.pk} was started for Demo Program since, so this one did not run."
    assert not Match.objects.exists()


def test_the_round_page_says_when_its_worker_has_stopped(login, program, coordinator):
    dead = _claimed_by_a_worker_that_then_died(program, coordinator, silent_for=HEARTBEAT_STALE * 2)
    client = login(coordinator)

    status = client.get(reverse("admin:matching_matchinground_status", args=[dead.pk])).json()
    page = client.get(reverse("admin:matching_matchinground_change", args=[dead.pk])).content.decode()

    assert status["status"] == "running"
    assert "has shown no progress since" in status["error"]
    assert "it has probably stopped" in page


def test_the_round_page_of_a_live_round_shows_no_warning(login, program, coordinator):
    alive = _claimed_by_a_worker_that_then_died(program, coordinator, silent_for=timedelta(seconds=5))

    status = login(coordinator).get(reverse("admin:matching_matchinground_status", args=[alive.pk])).json()

    assert status["error"] == ""
