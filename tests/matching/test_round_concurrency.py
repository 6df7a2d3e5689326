"""Rounds at once, with real row locks on PostgreSQL and real threads: two programs' rounds sharing a mentor, a
round writing while a coordinator approves, a dead round's takeover racing a new start."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from matching.models import Match, MatchingRound
from matching.models.rounds import HEARTBEAT_STALE
from matching.services import round_participants
from matching.services import rounds as rounds_service
from matching.services.decisions import matches_approve
from matching.services.round_claims import round_claim
from matching.services.rounds import RoundAlreadyRunning, round_run, round_start
from profiles.models import MentorProfile
from tests.factories import CoordinatorFactory, MentorProfileFactory, ProgramFactory, TraineeProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions together, each in its own thread and connection; what each returned or raised."""
    results: list[Any] = [None] * len(actions)
    barrier = threading.Barrier(len(actions))

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = actions[index]()
        except Exception as error:  # the test reads whatever happened
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _both_at_the_write(monkeypatch: pytest.MonkeyPatch, rounds: int = 2) -> None:
    """Hold each round at its write until all have chosen their pairs: the worst moment to run together."""
    barrier = threading.Barrier(rounds)
    write = rounds_service.round_proposals_write

    def write_after_the_others_chose(matching_round: MatchingRound, proposals: list[Any]) -> Any:
        barrier.wait(timeout=60)
        return write(matching_round, proposals)

    monkeypatch.setattr(rounds_service, "round_proposals_write", write_after_the_others_chose)


def _promised_past_capacity() -> list[tuple[int, int, int]]:
    """Mentors with more approved matches and proposals than places."""
    live = Q(matches__status__in=[Match.Status.APPROVED, Match.Status.PROPOSED])
    loads = MentorProfile.objects.annotate(promised=Count("matches", filter=live))
    return [(m.pk, m.promised, m.capacity) for m in loads if m.promised > m.capacity]


@pytest.mark.parametrize("enrolled", [False, True])
def test_two_programs_rounds_at_once_do_not_both_promise_a_mentors_last_place(monkeypatch, enrolled):
    ana, ben = CoordinatorFactory(full_name="Ana First"), CoordinatorFactory(full_name="Ben Second")
    first = ProgramFactory(coordinators=[ana], open_to_all=not enrolled)
    second = ProgramFactory(coordinators=[ben], open_to_all=not enrolled)
    mentor = MentorProfileFactory(capacity=1, user__email="m@example.org")
    trainees = [TraineeProfileFactory(user__email=f"t{i}@example.org") for i in range(2)]
    if enrolled:  # the mentor takes part in both programs, each program has a trainee of its own
        for program, trainee in zip((first, second), trainees, strict=True):
            program.mentors.add(mentor)
            program.trainees.add(trainee)
    started = [round_start(program=p, algorithm="optimal", by=c) for p, c in ((first, ana), (second, ben))]
    _both_at_the_write(monkeypatch)

    _at_once(*[lambda r=r: round_run(matching_round=MatchingRound.objects.get(pk=r.pk)) for r in started])

    assert Match.objects.filter(mentor=mentor, status=Match.Status.PROPOSED).count() == 1
    rounds = list(MatchingRound.objects.all())
    assert [r.status for r in rounds] == [MatchingRound.Status.DONE] * 2, [r.error for r in rounds]
    # The round that wrote second found the place promised: its report says so.
    assert sorted(r.quality["not_written"] for r in rounds) == [0, 1]


def test_two_programs_rounds_choosing_the_same_pair_at_once_write_it_once_and_both_finish(monkeypatch):
    # Before: the second insert broke "match_one_live_per_pair" and the coordinator read a raw IntegrityError.
    ana, ben = CoordinatorFactory(full_name="Ana First"), CoordinatorFactory(full_name="Ben Second")
    programs = [ProgramFactory(coordinators=[ana]), ProgramFactory(coordinators=[ben])]
    mentor = MentorProfileFactory(capacity=3, user__email="m@example.org")
    trainee = TraineeProfileFactory(user__email="t@example.org")
    started = [round_start(program=p, algorithm="optimal", by=c) for p, c in zip(programs, (ana, ben), strict=True)]
    _both_at_the_write(monkeypatch)

    _at_once(*[lambda r=r: round_run(matching_round=MatchingRound.objects.get(pk=r.pk)) for r in started])

    rounds = list(MatchingRound.objects.all())
    assert [r.status for r in rounds] == [MatchingRound.Status.DONE] * 2, [r.error for r in rounds]
    assert Match.objects.filter(trainee=trainee, mentor=mentor, status=Match.Status.PROPOSED).count() == 1


def _cohort(mentors: int = 40, trainees: int = 100) -> None:
    for i in range(mentors):
        MentorProfileFactory(capacity=1 + i % 4, user__email=f"m{i}@example.org")
    for i in range(trainees):
        TraineeProfileFactory(user__email=f"t{i}@example.org")


def _first_round(program: Any, coordinator: Any) -> list[int]:
    first = round_run(matching_round=round_start(program=program, algorithm="optimal", by=coordinator))
    assert first.status == MatchingRound.Status.DONE, first.error
    return list(Match.objects.filter(round=first).values_list("pk", flat=True))


def _nobody_approved_and_proposed(program: Any) -> bool:
    approved = set(Match.objects.filter(program=program, status="approved").values_list("trainee_id", flat=True))
    proposed = set(Match.objects.filter(program=program, status="proposed").values_list("trainee_id", flat=True))
    return not approved & proposed


def test_an_approval_arriving_while_the_next_round_holds_its_mentors_waits_for_it(monkeypatch):
    ana, ben = CoordinatorFactory(full_name="Ana First"), CoordinatorFactory(full_name="Ben Second")
    program = ProgramFactory(coordinators=[ana, ben])
    _cohort()
    ids = _first_round(program, ana)
    holding = threading.Event()
    places = round_participants.free_places

    def free_places_slowly(*args: Any, **kwargs: Any) -> Any:  # the round holds the mentor and proposal rows now
        holding.set()
        time.sleep(1.5)  # the approval queues on them meanwhile
        return places(*args, **kwargs)

    monkeypatch.setattr(round_participants, "free_places", free_places_slowly)
    second = round_start(program=program, algorithm="optimal", by=ben)

    def approve() -> Any:
        assert holding.wait(timeout=60)
        return matches_approve(match_ids=ids, by=ana)

    results = _at_once(lambda: round_run(matching_round=MatchingRound.objects.get(pk=second.pk)), approve)

    assert not [r for r in results if isinstance(r, Exception)], results
    second.refresh_from_db()
    assert second.status == MatchingRound.Status.DONE, second.error
    # The approval came after the round replaced the proposals it was given: each is refused by name, none approved.
    outcome = results[1]
    assert outcome.approved == []
    assert {error.code for _, error in outcome.refused} == {"already_decided"}
    assert _promised_past_capacity() == []
    assert _nobody_approved_and_proposed(program)


def test_a_round_writing_after_an_approval_that_held_its_mentors_counts_the_places_it_took(monkeypatch):
    from matching.services import approvals

    ana, ben = CoordinatorFactory(full_name="Ana First"), CoordinatorFactory(full_name="Ben Second")
    program = ProgramFactory(coordinators=[ana, ben])
    _cohort()
    ids = _first_round(program, ana)
    approving = threading.Event()
    write = approvals._write

    def write_slowly(*args: Any, **kwargs: Any) -> Any:  # the approval holds trainees, mentors and matches now
        write(*args, **kwargs)
        approving.set()
        time.sleep(1.5)

    monkeypatch.setattr(approvals, "_write", write_slowly)
    second = round_start(program=program, algorithm="optimal", by=ben)

    def run_after_the_approval_started() -> Any:
        assert approving.wait(timeout=60)
        return round_run(matching_round=MatchingRound.objects.get(pk=second.pk))

    results = _at_once(lambda: matches_approve(match_ids=ids[:60], by=ana), run_after_the_approval_started)

    assert not [r for r in results if isinstance(r, Exception)], results
    second.refresh_from_db()
    assert second.status == MatchingRound.Status.DONE, second.error
    assert len(results[0].approved) == 60
    assert _promised_past_capacity() == []
    assert _nobody_approved_and_proposed(program)
    assert second.quality["matched"] == Match.objects.filter(round=second).count()


def test_a_redelivered_task_and_a_second_worker_taking_over_a_dead_round_at_once_claim_it_once():
    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator])
    _cohort(mentors=2, trainees=2)
    matching_round = round_start(program=program, algorithm="optimal", by=coordinator)
    assert round_claim(MatchingRound.objects.get(pk=matching_round.pk))
    MatchingRound.objects.filter(pk=matching_round.pk).update(heartbeat_at=timezone.now() - 2 * HEARTBEAT_STALE)

    claims = _at_once(*[lambda: round_claim(MatchingRound.objects.get(pk=matching_round.pk)) for _ in range(4)])

    assert sorted(claims) == [False, False, False, True]


@pytest.mark.parametrize("attempt", range(3))
def test_a_new_start_racing_the_takeover_of_a_dead_round_leaves_exactly_one_round_to_run(attempt):
    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator])
    _cohort(mentors=2, trainees=2)
    dead = round_start(program=program, algorithm="optimal", by=coordinator)
    assert round_claim(MatchingRound.objects.get(pk=dead.pk))
    MatchingRound.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - 2 * HEARTBEAT_STALE)

    claimed, started = _at_once(
        lambda: round_claim(MatchingRound.objects.get(pk=dead.pk)),
        lambda: round_start(program=program, algorithm="optimal", by=coordinator),
    )

    dead.refresh_from_db()
    if claimed:  # the redelivered task won: the round is alive again, and the start is refused
        assert isinstance(started, RoundAlreadyRunning), started
        assert dead.status == MatchingRound.Status.RUNNING
        assert MatchingRound.objects.count() == 1
    else:  # the start won: the dead round is failed and can no longer be taken over
        assert isinstance(started, MatchingRound), started
        assert dead.status == MatchingRound.Status.FAILED
        assert dead.error.endswith(f"Round #{started.pk}, started since, replaces it.")


def test_a_stale_queued_round_and_its_replacement_delivered_together_never_both_write():
    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator])
    _cohort(mentors=10, trainees=15)
    old = round_start(program=program, algorithm="optimal", by=coordinator)  # the workers were down
    MatchingRound.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    new = round_start(program=program, algorithm="optimal", by=coordinator)

    _at_once(*[lambda r=r: round_run(matching_round=MatchingRound.objects.get(pk=r.pk)) for r in (old, new)])

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == MatchingRound.Status.FAILED
    assert new.status == MatchingRound.Status.DONE, new.error
    assert not Match.objects.filter(round=old).exists()
    per_trainee = Counter(Match.objects.filter(program=program, status="proposed").values_list("trainee", flat=True))
    assert max(per_trainee.values()) == 1
