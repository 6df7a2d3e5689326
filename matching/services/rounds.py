"""Cohort matching rounds: a coordinator starts one, a Celery worker runs it, proposals appear for approval.

Running again REPLACES the program's proposals that nobody approved yet: they are marked cancelled (with an audit
row "replaced by round #N"), not deleted, so a proposal a coordinator looked at keeps its history. Approved
matches are never touched, their trainees are left out of the round, and the places they use are not offered.
A round that proposes nobody replaces nothing: the proposals waiting stay as they were.

A start is refused up front when the round could propose nobody (no trainee to match, no mentor, no free place),
and while another round of the program is queued or running. A round whose worker died is taken over by the
redelivered task, or replaced by the next start (`round_claims`).
"""

from __future__ import annotations

import logging

import numpy as np
from django.db import transaction
from django.utils import timezone

from matching.features import cohort_members
from matching.models import MatchingRound, Program
from matching.services.invitations import invitations_fulfil
from matching.services.refusals import ensure_coordinator
from matching.services.round_claims import (
    RoundAlreadyRunning,
    RoundLost,
    round_claim,
    round_finish,
    round_heartbeat,
    round_hold,
    round_look_again_in,
    rounds_busy,
    rounds_replace,
)
from matching.services.round_participants import (
    Proposal,
    free_places,
    round_participants,
    trainees_to_match,
)
from matching.services.round_proposals import round_proposals_write
from mentorship.errors import ApplicationError, Conflict
from profiles.models import User

__all__ = [
    "NoFreePlaces",
    "NoMentorsEnrolled",
    "NoTraineesToMatch",
    "NothingToPropose",
    "ProgramInactive",
    "RoundAlreadyRunning",
    "TaskQueueUnavailable",
    "round_look_again_in",
    "round_run",
    "round_start",
]

logger = logging.getLogger(__name__)


class ProgramInactive(Conflict):
    code = "program_inactive"


class NothingToPropose(Conflict):
    """The round could propose nobody; the code and the message name the cause."""


class NoTraineesToMatch(NothingToPropose):
    code = "no_trainees_to_match"


class NoMentorsEnrolled(NothingToPropose):
    code = "no_mentors_enrolled"


class NoFreePlaces(NothingToPropose):
    code = "no_free_places"


class RoundSuperseded(Exception):
    """A newer round of the program was started: this one must not run. Never answered to a client (a start that
    would supersede a live round is refused instead); it only fails the round, with its message."""


class TaskQueueUnavailable(ApplicationError):
    code = "task_queue_unavailable"
    status = 503


QUEUE_DOWN = (
    "The task queue could not be reached ({error}), so no worker got the round. Nothing was changed: start it "
    "again once the queue (Redis) and the workers are running."
)


def _stage(matching_round: MatchingRound, stage: str, progress: int) -> None:
    """Progress, and the heartbeat that tells a live round from one whose worker died (`round_claims`)."""
    round_heartbeat(matching_round, stage, progress)


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
    stale = rounds_busy(program, timezone.now())
    # Whoever signed up since the last beat takes part (the round enrols them too): count them before refusing.
    invitations_fulfil(program=program, wait=True)
    _ensure_someone_to_propose(program)
    matching_round = MatchingRound.objects.create(program=program, algorithm=algorithm, started_by=by, stage="queued")
    # A stale round left queued or running could still be picked up by a worker later and write over this one.
    rounds_replace(stale, by=matching_round)
    transaction.on_commit(lambda: _hand_to_worker(matching_round.pk))
    return matching_round


def _nothing_to_propose(program: Program, *, trainees: bool, mentors: bool, places: bool) -> NothingToPropose | None:
    """Why a round of the program would propose nobody (the first cause of three), or None."""
    if not trainees:
        return NoTraineesToMatch(
            f"{program} has no trainee to match: none takes part yet, or each has an approved mentor or a request "
            "waiting for a decision."
        )
    if not mentors:
        how = "nobody has an active mentor profile yet" if program.open_to_all else "enrol some before running a round"
        return NoMentorsEnrolled(f"{program} has no mentors: {how}.")
    if not places:
        return NoFreePlaces(
            f"No mentor of {program} has a free place: each is full, is not accepting new mentees, or has their "
            "places held by requests and proposals waiting for a decision."
        )
    return None


def _ensure_someone_to_propose(program: Program) -> None:
    _, mentors = cohort_members(program)
    refusal = _nothing_to_propose(
        program,
        trainees=trainees_to_match(program).exists(),
        mentors=mentors.exists(),
        places=any(free_places(program, mentors).values()),
    )
    if refusal is not None:
        raise refusal


def round_run(*, matching_round: MatchingRound) -> MatchingRound:
    """Load, score, assign, write proposals. Idempotent: returns at once if the round is finished, or running
    under a worker that is alive (`round_look_again_in` says when a task should look again)."""
    if not round_claim(matching_round):
        logger.info("Round %s is %s; nothing to do now.", matching_round.pk, matching_round.status)
        return matching_round
    try:
        _run(matching_round)
    except RoundLost:
        logger.warning(
            "Round %s was replaced or taken over while this worker ran it; nothing written.", matching_round.pk
        )
    except (ApplicationError, RoundSuperseded) as refusal:  # said to the coordinator as it is; nothing written
        round_finish(matching_round, status=MatchingRound.Status.FAILED, error=str(refusal))
    except Exception as error:  # any failure leaves the round FAILED with the reason; no proposal was written
        logger.exception("Round %s failed", matching_round.pk)
        round_finish(matching_round, status=MatchingRound.Status.FAILED, error=f"{type(error).__name__}: {error}")
    matching_round.refresh_from_db()
    return matching_round


def _ensure_it_may_run(matching_round: MatchingRound, program: Program) -> None:
    """A queued round waits for a worker, minutes at worst: the program may have been closed meanwhile, or a newer
    round started in its place."""
    if not program.is_active:
        raise ProgramInactive(f"{program} was made inactive after the round was started, so it did not run.")
    newer = (
        MatchingRound.objects.filter(program=program, pk__gt=matching_round.pk)
        .exclude(status=MatchingRound.Status.FAILED)
        .order_by("pk")
        .first()
    )
    if newer is not None:
        raise RoundSuperseded(f"Round #{newer.pk} was started for {program} since, so this one did not run.")


def _run(matching_round: MatchingRound) -> None:
    from matching.services import round_engine, round_report  # the engine (SciPy) loads in the worker only

    program = Program.objects.get(pk=matching_round.program_id)
    _ensure_it_may_run(matching_round, program)
    cohort, capacity, not_to_propose = round_participants(program)
    refusal = _nothing_to_propose(
        program, trainees=bool(len(cohort.trainees)), mentors=bool(len(cohort.mentors)), places=bool(capacity.any())
    )
    if refusal is not None:  # true at the start, no longer: people changed while the round waited
        raise type(refusal)(f"{refusal.message} The round proposed nobody and changed nothing.")
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
    proposals = [
        Proposal(row=r, col=c, trainee=t, mentor=m, score=s, breakdown=b)
        for r, c, t, m, s, b in zip(
            rows.tolist(),
            cols.tolist(),
            cohort.trainees.ids[rows].tolist(),
            cohort.mentors.ids[cols].tolist(),
            totals.tolist(),
            breakdowns,
            strict=True,
        )
    ]
    with transaction.atomic():
        round_hold(matching_round)
        if not Program.objects.filter(pk=program.pk, is_active=True).exists():
            raise ProgramInactive(f"{program} was made inactive while the round ran, so nothing was written.")
        allowed = round_proposals_write(matching_round, proposals)
        still_free = capacity.copy()
        for proposal in proposals:
            still_free[proposal.col] = min(still_free[proposal.col], allowed.places[proposal.mentor])
        quality = round_report.as_written(
            outcome,
            offered=capacity,
            still_free=still_free,
            written_rows=np.array([p.row for p in allowed.proposals], dtype=np.intp),
            gone_rows=np.array([p.row for p in proposals if p.trainee in allowed.gone], dtype=np.intp),
        )
        round_finish(
            matching_round, status=MatchingRound.Status.DONE, stage="done", progress=100, quality=quality, error=""
        )
    matching_round.refresh_from_db()
