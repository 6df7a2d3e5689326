"""Which worker runs a round, and what happens when it dies.

A worker claims a round with a conditional update, so of two tasks for one round (the broker's redelivery and
the original) one wins. While it runs, each stage's progress write is also its heartbeat. A round whose worker was
killed (out of memory, a deploy) keeps its last stage "running"; once its heartbeat is older than
`HEARTBEAT_STALE` the redelivered task takes it over, and a coordinator's new start fails it and runs in its
place. Every later write of the worker checks that the round is still its own (same status, same claim time): a
worker that lost its round, to a takeover or to a new start, stops without writing anything.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from matching.models import MatchingRound, Program
from matching.models.rounds import HEARTBEAT_STALE, QUEUED_STALE
from mentorship.errors import Conflict

logger = logging.getLogger(__name__)

#: A task that found the round running elsewhere looks again this long after the heartbeat would have gone stale,
#: so that it never comes back a moment too early.
LOOK_AGAIN_MARGIN = timedelta(seconds=2)


class RoundAlreadyRunning(Conflict):
    code = "round_already_running"


class RoundLost(Exception):
    """The round is no longer this worker's: a new start failed it as stale, or another worker took it over."""


def round_claim(matching_round: MatchingRound) -> bool:
    """Take a queued round, or a running one whose worker has gone silent; False when it is done, failed, or
    running under a worker that is alive."""
    now = timezone.now()
    fields = {
        "status": MatchingRound.Status.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "stage": "loading",
        "progress": 5,
    }
    queued = MatchingRound.objects.filter(pk=matching_round.pk, status=MatchingRound.Status.QUEUED)
    silent = Q(heartbeat_at__lt=now - HEARTBEAT_STALE) | Q(
        heartbeat_at__isnull=True, started_at__lt=now - HEARTBEAT_STALE
    )
    dead = MatchingRound.objects.filter(silent, pk=matching_round.pk, status=MatchingRound.Status.RUNNING)
    taken_over = False
    claimed = queued.update(**fields)
    if not claimed:
        claimed = taken_over = bool(dead.update(**fields))
    stage = matching_round.stage
    matching_round.refresh_from_db()
    if taken_over:
        logger.warning("Round %s: its worker stopped at “%s”; this worker runs it again.", matching_round.pk, stage)
    return bool(claimed)


def _ours(matching_round: MatchingRound) -> QuerySet[MatchingRound]:
    """The round's row while it is still this worker's claim: running, claimed when this worker claimed it."""
    return MatchingRound.objects.filter(
        pk=matching_round.pk, status=MatchingRound.Status.RUNNING, started_at=matching_round.started_at
    )


def round_heartbeat(matching_round: MatchingRound, stage: str, progress: int) -> None:
    """Write the stage and a sign of life, outside the proposals' transaction so the admin's progress bar sees it at
    once; RoundLost if the round is no longer this worker's."""
    if not _ours(matching_round).update(stage=stage, progress=progress, heartbeat_at=timezone.now()):
        raise RoundLost(f"Round {matching_round.pk} is no longer this worker's.")
    matching_round.stage, matching_round.progress = stage, progress


def round_hold(matching_round: MatchingRound) -> None:
    """Lock the round's row for the proposals' transaction, and check that it is still this worker's. Held to the
    commit: meanwhile no new start can fail it and no other worker can take it over, so what is written is final."""
    if not list(_ours(matching_round).select_for_update().values_list("pk", flat=True)):
        raise RoundLost(f"Round {matching_round.pk} is no longer this worker's.")


def round_finish(matching_round: MatchingRound, **fields: object) -> bool:
    """Record the outcome if the round is still this worker's; False if it was lost meanwhile."""
    return bool(_ours(matching_round).update(finished_at=timezone.now(), **fields))


def round_look_again_in(matching_round: MatchingRound) -> float | None:
    """Seconds until a task that found the round running under another worker should look again: just after the
    heartbeat would go stale (then it takes the round over, or finds it finished). None when there is nothing to
    wait for. Never longer than a quarter of the broker's visibility timeout, so the waiting task is not
    redelivered meanwhile."""
    if matching_round.status != MatchingRound.Status.RUNNING:
        return None
    due = matching_round.last_sign_of_life() + HEARTBEAT_STALE + LOOK_AGAIN_MARGIN - timezone.now()
    return min(max(due.total_seconds(), LOOK_AGAIN_MARGIN.total_seconds()), settings.CELERY_VISIBILITY_TIMEOUT / 4)


def rounds_busy(program: Program, now: datetime) -> list[MatchingRound]:
    """The program's queued and running rounds, the caller holding the program's row; RoundAlreadyRunning if one of
    them is alive. The others are stale: the new round replaces them (`rounds_replace`)."""
    busy = list(
        MatchingRound.objects.filter(
            program=program, status__in=[MatchingRound.Status.QUEUED, MatchingRound.Status.RUNNING]
        ).order_by("pk")
    )
    for matching_round in busy:
        if not matching_round.is_stale(now):
            raise _already_running(program, matching_round)
    return busy


def rounds_replace(stale: list[MatchingRound], *, by: MatchingRound) -> None:
    """Fail the stale rounds `by` replaces, each only if it is as it was read (no heartbeat or claim since), so a
    round that came alive meanwhile is refused instead (the caller's transaction then creates nothing)."""
    for matching_round in stale:
        if matching_round.status == MatchingRound.Status.RUNNING:
            why = "The worker running this round stopped before it finished."
        else:
            why = f"No worker took this round up within {int(QUEUED_STALE.total_seconds() // 60)} minutes."
        why += f" Round #{by.pk}, started since, replaces it."
        failed = MatchingRound.objects.filter(
            pk=matching_round.pk,
            status=matching_round.status,
            started_at=matching_round.started_at,
            heartbeat_at=matching_round.heartbeat_at,
        ).update(status=MatchingRound.Status.FAILED, error=why, finished_at=timezone.now())
        if not failed:
            matching_round.refresh_from_db()
            if not matching_round.is_finished():  # claimed a moment ago (it had just finished: nothing to replace)
                raise _already_running(by.program, matching_round)


def _already_running(program: Program, matching_round: MatchingRound) -> RoundAlreadyRunning:
    status = matching_round.get_status_display().lower()
    return RoundAlreadyRunning(f"A round for {program} is already {status} (#{matching_round.pk}).")
