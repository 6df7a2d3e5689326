"""A real Celery worker (Redis, PostgreSQL) whose child running a round is killed midway (the out-of-memory killer,
a deploy). acks_late + reject_on_worker_lost give the task back at once; the round's heartbeat has stopped, so
the redelivered task takes the round over once it has gone stale and finishes it. Before, the round was left
"running" for good and refused every new start for 30 minutes. Takes a minute or two."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from matching.models import Match, MatchingRound
from matching.models.rounds import HEARTBEAT_STALE
from matching.services.rounds import round_start
from profiles.demo import ensure_bench_people
from tests.factories import CoordinatorFactory, ProgramFactory
from tests.notifications.test_worker_reliability import Worker, hook_dir, mail_log, worker  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _wait(matching_round: MatchingRound, until: object, timeout: float, tick: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        matching_round.refresh_from_db()
        if until(matching_round):  # type: ignore[operator]
            return
        time.sleep(tick)


def test_a_round_whose_worker_child_is_killed_midway_is_taken_over_and_finishes(worker: Worker) -> None:  # noqa: F811
    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator])
    ensure_bench_people(mentors=1500, trainees=6000)  # big enough to run for seconds: killed midway, not after

    matching_round = round_start(program=program, algorithm="optimal", by=coordinator)
    _wait(matching_round, lambda r: r.status == MatchingRound.Status.RUNNING, timeout=60, tick=0.05)
    assert matching_round.status == MatchingRound.Status.RUNNING, matching_round.status
    assert worker.process is not None
    for child in _children(worker.process.pid):  # both pool children: one of them runs the round
        os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()

    _wait(matching_round, lambda r: r.is_finished(), timeout=HEARTBEAT_STALE.total_seconds() + 60, tick=0.5)

    log = worker.log.read_text()
    assert matching_round.status == MatchingRound.Status.DONE, (
        matching_round.status,
        matching_round.error,
        log[-3000:],
    )
    assert Match.objects.filter(round=matching_round).count() == matching_round.quality["matched"] > 1000
    assert "this worker runs it again" in log
    # Taken over once its heartbeat went stale, not at once (a live round must never be run twice).
    assert time.monotonic() - killed_at > HEARTBEAT_STALE.total_seconds() - 15
