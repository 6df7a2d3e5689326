"""The bridge between a round and the pure engine: the assignment (the engine's `assign_cohort`, which scores in
blocks and solves exactly or stably, with its quality report) and the per-pair breakdown snapshots stored on the
proposals. Arrays only: the ORM work stays in rounds.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from matching.assignment import assign_cohort
from matching.quality import round_quality
from matching.scoring import COMPONENTS, Explanation, Names, Shortlist, explain_scored, score

if TYPE_CHECKING:  # the cohort is built by matching.features (Django); this module only reads its arrays
    from matching.features import Cohort

#: Each trainee's preference list for stable matching is at most this long (as in the residency match).
PREF_LENGTH = 50
#: Pairs explained per batch (a batch × its distinct mentors is scored with components; 128 measured fastest).
EXPLAIN_BATCH = 128

Progress = Callable[[str, int], None]


@dataclass
class Outcome:
    """`assignment[i]`: mentor column for trainee row i, -1 when unmatched. `scores[i]`: that pair's score.
    `ranks[i]`: the place of that mentor in the trainee's own order, as the top-3 share counts it (0 unmatched)."""

    assignment: NDArray[np.intp]
    scores: NDArray[np.float64]
    ranks: NDArray[np.int64]
    conflicts: NDArray[np.int64]
    quality: dict[str, Any]


def assign(
    cohort: Cohort,
    *,
    algorithm: str,
    capacity: NDArray[np.int64],
    extra_conflicts: NDArray[np.int64],
    progress: Progress,
) -> Outcome:
    """Score the cohort's trainees (already cut to those who take part) and assign within `capacity`.

    The engine fuses scoring with choosing candidates and solving (the full N × M never exists), so the
    "scoring" stage covers the engine's whole call; "assigning" maps its answer back and checks it.
    """
    conflicts = np.vstack([cohort.conflicts.reshape(-1, 2), extra_conflicts.reshape(-1, 2)])
    # Full and closed mentors can take no one: leaving them out spares scoring their column at all.
    open_cols = np.flatnonzero(capacity > 0)
    progress("scoring", 20)
    if not len(open_cols) or not len(cohort.trainees):
        return _nobody(len(cohort.trainees), capacity, conflicts)
    result = assign_cohort(
        cohort.trainees,
        cohort.mentors.take(open_cols),
        cohort.weights,
        capacity[open_cols],
        shortlist=cohort.shortlist,
        conflicts=conflicts,
        method="stable" if algorithm == "stable" else "optimal",
        pref_length=PREF_LENGTH,
        # An optimal round's blocking pairs are counted against the lists a stable round on the same cohort would
        # use, so a coordinator can weigh its higher total fit against them (a stable round has none).
        stable_lists=True,
    )
    progress("assigning", 60)
    chosen = np.asarray(result.assignment, dtype=np.intp)
    assignment = np.where(chosen >= 0, open_cols[np.maximum(chosen, 0)], -1).astype(np.intp)
    load = np.bincount(assignment[assignment >= 0], minlength=len(capacity))
    if (load > capacity).any():  # the engine's contract; a breach must never reach the database
        raise RuntimeError("The assignment exceeds a mentor's free places.")
    return Outcome(
        assignment=assignment,
        scores=np.asarray(result.scores_of_assigned, dtype=np.float64),
        ranks=result.assigned_rank,
        conflicts=conflicts,
        quality=result.quality.to_dict(),
    )


def _nobody(n: int, capacity: NDArray[np.int64], conflicts: NDArray[np.int64]) -> Outcome:
    """No trainee or no free place: nothing to assign, and a report that says so (no pair can block: no mentor
    has a place to offer, or there is nobody to offer it to)."""
    unmatched = np.full(n, -1, dtype=np.intp)
    quality = round_quality(unmatched, np.full(n, np.nan), capacity, eligible=np.zeros(n, dtype=bool))
    quality = replace(quality, blocking_pairs=0)
    return Outcome(
        assignment=unmatched,
        scores=np.full(n, np.nan),
        ranks=np.zeros(n, dtype=np.int64),
        conflicts=conflicts,
        quality=quality.to_dict(),
    )


def _diagonal(
    cohort: Cohort, conflicts: NDArray[np.int64], rows: NDArray[np.intp], cols: NDArray[np.intp], with_components: bool
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """Score exactly the pairs (rows[k], cols[k]) in batches: each batch scores its trainees against only the
    mentors assigned to them and keeps those cells, so 20,000 pairs never build a 20,000 × 4,000 matrix.

    Pairs are batched by mentor, so a batch of B pairs holds about B / capacity distinct mentors, and each batch
    gets only its own trainees' shortlist entries and conflicts (the scoring context is then cheap to build)."""
    totals = np.empty(len(rows))
    components = {name: np.empty(len(rows)) for name in COMPONENTS} if with_components else {}
    by_mentor = np.argsort(cols, kind="stable")
    shortlist = cohort.shortlist
    for b0 in range(0, len(rows), EXPLAIN_BATCH):
        at_pairs = by_mentor[b0 : b0 + EXPLAIN_BATCH]
        r, c = rows[at_pairs], cols[at_pairs]
        mentor_cols, inverse = np.unique(c, return_inverse=True)  # mentor ids must be unique within a block
        trainee_ids = cohort.trainees.ids[r]
        mine = np.isin(shortlist.trainee_ids, trainee_ids)
        result = score(
            cohort.trainees.take(r),
            cohort.mentors.take(mentor_cols),
            cohort.weights,
            shortlist=Shortlist(shortlist.trainee_ids[mine], shortlist.mentor_ids[mine], shortlist.ranks[mine]),
            conflicts=conflicts[np.isin(conflicts[:, 0], trainee_ids)],
            with_components=with_components,
        )
        cells = (np.arange(len(r)), inverse.reshape(-1))
        totals[at_pairs] = result.total[cells]
        if with_components and result.components is not None:
            for name in COMPONENTS:
                components[name][at_pairs] = result.components[name][cells]
    return totals, components


def explain_pairs(
    cohort: Cohort, conflicts: NDArray[np.int64], rows: NDArray[np.intp], cols: NDArray[np.intp]
) -> tuple[NDArray[np.float64], list[dict[str, Any]]]:
    """Each pair's score and the breakdown snapshot stored on its proposal: component, value, weight, points and
    the engine's reason, and the one-line summary, worded as the trainee reads them in the directory.

    Worded now, from the arrays the round scored, and stored: the profiles change after the round (a mentor drops
    a language, a trainee changes focus areas), and a "why" worked out later from the new profiles would no longer
    be why the pair was proposed, nor agree with the score it was proposed with."""
    totals, components = _diagonal(cohort, conflicts, rows, cols, with_components=True)
    weights = cohort.weights.active()
    active = [name for name in COMPONENTS if weights[name] > 0]
    fit = [name for name in active if name != "shortlist"]
    # As the engine scores: each fit component's points are its weighted share of 100; the shortlist's are the
    # bonus on top, whatever the cap at 100 left of it.
    base = sum(weights[name] for name in fit)
    points = {name: components[name] * (100.0 * weights[name] / base if base else 0.0) for name in fit}
    if "shortlist" in active:
        points["shortlist"] = totals - sum((points[name] for name in fit), np.zeros(len(rows)))
    explanations = _worded(cohort, rows, cols, components, totals)
    breakdowns: list[dict[str, Any]] = []
    for k in range(len(rows)):
        words = explanations[k]
        reasons = {part.component: part.reason for part in words.parts}
        breakdowns.append(
            {
                "total": round(float(totals[k]), 2),
                "summary": words.summary(),
                "components": [
                    {
                        "name": name,
                        "value": round(float(components[name][k]), 3),
                        "weight": weights[name],
                        "points": round(float(points[name][k]), 2),
                        "reason": reasons.get(name, ""),  # the shortlist has none when the mentor was not on it
                        "lowered": name in words.lowered_by,
                    }
                    for name in active
                ],
            }
        )
    return totals, breakdowns


def _worded(
    cohort: Cohort,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    components: dict[str, NDArray[np.float64]],
    totals: NDArray[np.float64],
) -> list[Explanation]:
    """The engine's explanation of each pair from the numbers already computed (no second scoring)."""
    shortlist = cohort.shortlist
    listed = zip(shortlist.trainee_ids.tolist(), shortlist.mentor_ids.tolist(), shortlist.ranks.tolist(), strict=True)
    ranked = {(int(t), int(m)): int(r) for t, m, r in listed}
    trainee_ids, mentor_ids = cohort.trainees.ids[rows].tolist(), cohort.mentors.ids[cols].tolist()
    return explain_scored(
        cohort.trainees,
        rows,
        cohort.mentors,
        cols,
        cohort.weights,
        values=components,
        totals=totals,
        shortlist_ranks=[ranked.get(pair) for pair in zip(trainee_ids, mentor_ids, strict=True)],
        names=Names.of_columns(cohort.taxonomy.names()),
    )
