"""Cohort matching rounds: a coordinator starts one, a Celery worker runs it, proposals appear for approval.

Running again REPLACES the program's proposals that nobody approved yet: they are marked cancelled (with an audit
row "replaced by round #N"), not deleted, so a proposal a coordinator looked at keeps its history. Approved
matches are never touched, their trainees are left out of the round, and the places they use are not offered.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from matching.models import Match, MatchingRound, MatchTransition, Program
from matching.services.refusals import ensure_coordinator
from matching.services.round_participants import live_pairs, round_participants, self_pairs
from mentorship.errors import ApplicationError, Conflict
from profiles.models import User

logger = logging.getLogger(__name__)

#: A round still "running" after this long lost its worker (killed, redeployed): another worker may take it over.
STALE_AFTER = timedelta(minutes=30)
WRITE_BATCH = 2000


class RoundAlreadyRunning(Conflict):
    code = "round_already_running"


class ProgramInactive(Conflict):
    code = "program_inactive"


def _stage(matching_round: MatchingRound, stage: str, progress: int) -> None:
    """Progress is written outside the proposals' transaction so the admin's progress bar sees it at once."""
    MatchingRound.objects.filter(pk=matching_round.pk).update(stage=stage, progress=progress)
    matching_round.stage, matching_round.progress = stage, progress


class TaskQueueUnavailable(ApplicationError):
    code = "task_queue_unavailable"
    status = 503


QUEUE_DOWN = (
    "The task queue could not be reached ({error}), so no worker got the round. Nothing was changed: start it "
    "again once the queue (Redis) and the workers are running."
)


def round_start(*, program: Program, algorithm: str, by: User) -> MatchingRound:
    """Create a queued round and hand it to a worker once the transaction commits. If the task queue refuses it,
    the round is failed with the reason at once (left queued, it would refuse every new start until it went
    stale) and TaskQueueUnavailable says so."""
    matching_round = _round_create(program=program, algorithm=algorithm, by=by)
    matching_round.refresh_from_db()
    if matching_round.status == MatchingRound.Status.FAILED:
        raise TaskQueueUnavailable(matching_round.error)
    return matching_round


def _hand_to_worker(round_id: int) -> None:
    from matching.tasks import run_round

    try:
        run_round.delay(round_id)
    except Exception as error:  # kombu's OperationalError, a refused connection, a full Redis, …
        logger.exception("Round %s could not be queued", round_id)
        MatchingRound.objects.filter(pk=round_id, status=MatchingRound.Status.QUEUED).update(
            status=MatchingRound.Status.FAILED,
            stage="",
            finished_at=timezone.now(),
            error=QUEUE_DOWN.format(error=f"{type(error).__name__}: {error}"),
        )


@transaction.atomic
def _round_create(*, program: Program, algorithm: str, by: User) -> MatchingRound:
    ensure_coordinator(user=by, program=program)
    if not program.is_active:
        raise ProgramInactive(f"{program} is not active, so no round can run for it.")
    if algorithm not in MatchingRound.Algorithm.values:
        raise Conflict(f"Unknown algorithm “{algorithm}”: choose optimal or stable.", code="invalid_algorithm")
    Program.objects.select_for_update().filter(pk=program.pk).first()  # one start at a time per program
    busy = MatchingRound.objects.filter(
        program=program, status__in=[MatchingRound.Status.QUEUED, MatchingRound.Status.RUNNING]
    ).first()
    if busy is not None and not _is_stale(busy):
        raise RoundAlreadyRunning(f"A round for {program} is already {busy.get_status_display().lower()} (#{busy.pk}).")
    matching_round = MatchingRound.objects.create(program=program, algorithm=algorithm, started_by=by, stage="queued")
    transaction.on_commit(lambda: _hand_to_worker(matching_round.pk))
    return matching_round


def _is_stale(matching_round: MatchingRound) -> bool:
    since = matching_round.started_at or matching_round.created_at
    return since < timezone.now() - STALE_AFTER


def _claim(matching_round: MatchingRound) -> bool:
    """Take the round with a conditional update: a redelivered task, or a second worker, finds it taken."""
    now = timezone.now()
    queued = MatchingRound.objects.filter(pk=matching_round.pk, status=MatchingRound.Status.QUEUED)
    stale = MatchingRound.objects.filter(
        pk=matching_round.pk, status=MatchingRound.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    fields = {"status": MatchingRound.Status.RUNNING, "started_at": now, "stage": "loading", "progress": 5}
    claimed = queued.update(**fields) or stale.update(**fields)
    if claimed:
        matching_round.refresh_from_db()
    return bool(claimed)


def round_run(*, matching_round: MatchingRound) -> MatchingRound:
    """Load, score, assign, write proposals. Idempotent: returns at once if the round is done or taken."""
    if not _claim(matching_round):
        logger.info("Round %s is already %s; nothing to do.", matching_round.pk, matching_round.status)
        return matching_round
    try:
        _run(matching_round)
    except Exception as error:  # any failure leaves the round FAILED with the reason; no proposal was written
        logger.exception("Round %s failed", matching_round.pk)
        MatchingRound.objects.filter(pk=matching_round.pk).update(
            status=MatchingRound.Status.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        matching_round.refresh_from_db()
    return matching_round


def _run(matching_round: MatchingRound) -> None:
    from matching.services import round_engine

    program = matching_round.program
    cohort, capacity, matched_elsewhere = round_participants(program)
    not_to_propose = np.vstack([matched_elsewhere, self_pairs(program)])
    outcome = round_engine.assign(
        cohort,
        algorithm=matching_round.algorithm,
        capacity=capacity,
        extra_conflicts=not_to_propose,
        progress=lambda stage, pct: _stage(matching_round, stage, pct),
    )
    _stage(matching_round, "writing proposals", 80)
    rows = np.flatnonzero(outcome.assignment >= 0)
    cols = outcome.assignment[rows]
    totals, breakdowns = round_engine.explain_pairs(cohort, outcome.conflicts, rows, cols)
    pairs = list(
        zip(
            cohort.trainees.ids[rows].tolist(),
            cohort.mentors.ids[cols].tolist(),
            totals.tolist(),
            breakdowns,
            strict=True,
        )
    )
    with transaction.atomic():
        _write_proposals(matching_round, pairs)
        MatchingRound.objects.filter(pk=matching_round.pk).update(
            status=MatchingRound.Status.DONE,
            stage="done",
            progress=100,
            quality=outcome.quality,
            finished_at=timezone.now(),
            error="",
        )
    matching_round.refresh_from_db()


def _write_proposals(matching_round: MatchingRound, pairs: list[tuple[int, int, float, dict[str, object]]]) -> None:
    """Cancel the program's unapproved proposals, then bulk-insert the new ones, in the caller's transaction."""
    program, by, now = matching_round.program, matching_round.started_by, timezone.now()
    proposed = Match.objects.filter(program=program, status=Match.Status.PROPOSED)
    list(proposed.select_for_update().values_list("pk", flat=True))  # hold them: an approval waits for us
    _audit_rows(
        where=("program_id = %s AND status = %s", [program.pk, Match.Status.PROPOSED]),
        from_status=Match.Status.PROPOSED,
        to_status=Match.Status.CANCELLED,
        by=by,
        at=now,
        reason=f"Replaced by matching round #{matching_round.pk}",
    )
    proposed.update(status=Match.Status.CANCELLED, updated_at=now)
    # Re-check under this transaction what may have changed since loading (an approval a moment ago).
    approved_here = set(
        Match.objects.filter(program=program, status=Match.Status.APPROVED).values_list("trainee_id", flat=True)
    )
    live = set(_live_pair_tuples(program))
    full = _full_mentors({mentor for _, mentor, _, _ in pairs})
    fresh = [p for p in pairs if p[0] not in approved_here and (p[0], p[1]) not in live and p[1] not in full]
    Match.objects.bulk_create(
        [
            Match(
                program=program,
                mentor_id=mentor,
                trainee_id=trainee,
                status=Match.Status.PROPOSED,
                origin=Match.Origin.ROUND,
                round=matching_round,
                score=round(score, 2),
                score_breakdown=breakdown,
                created_at=now,
            )
            for trainee, mentor, score, breakdown in fresh
        ],
        batch_size=WRITE_BATCH,
    )
    _audit_rows(
        where=("round_id = %s", [matching_round.pk]),
        from_status="",
        to_status=Match.Status.PROPOSED,
        by=by,
        at=now,
        reason=f"Proposed by matching round #{matching_round.pk}",
    )


def _audit_rows(
    *, where: tuple[str, list[Any]], from_status: str, to_status: str, by: User | None, at: datetime, reason: str
) -> None:
    """One audit row per match selected by `where`, in one INSERT … SELECT: tens of thousands of rows without
    building a model instance each (what match_transition does for a single match)."""
    quote, meta = connection.ops.quote_name, MatchTransition._meta
    column = {field.name: field.column for field in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in ("match", "from_status", "to_status", "by", "at", "reason"))
    condition, params = where
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from model meta, quoted
        f"SELECT {quote('id')}, %s, %s, %s, %s, %s FROM {quote(Match._meta.db_table)} WHERE {condition}"
    )
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(sql, [from_status, to_status, by.pk if by else None, stamp, reason, *params])


def _live_pair_tuples(program: Program) -> list[tuple[int, int]]:
    return [(int(t), int(m)) for t, m in live_pairs(program).tolist()]


def _full_mentors(mentor_ids: set[int]) -> set[int]:
    """Mentors approved up to capacity since the round loaded (rare: a coordinator approved meanwhile)."""
    if not mentor_ids:
        return set()
    from profiles.models import MentorProfile

    loads = (
        MentorProfile.objects.filter(pk__in=mentor_ids, matches__status=Match.Status.APPROVED)
        .annotate(active=Count("matches"))
        .values_list("pk", "active", "capacity")
    )
    return {pk for pk, active, capacity in loads if active >= capacity}
