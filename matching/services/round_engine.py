"""The bridge between a round and the pure engine: which trainees and places take part, the assignment, the
per-pair breakdown snapshots and the quality report. Arrays only: the ORM work stays in rounds.py.

The engine's cohort solver, stable matcher, explain and quality report are used when present; the small
fallbacks here (documented at each) keep rounds working on the public `score`/`optimal` contract alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.features import Cohort
from matching.scoring import COMPONENTS, score
from matching.scoring.compute import Context

#: Each trainee's preference list for stable matching is at most this long (as in the residency match).
PREF_LENGTH = 50
#: Trainee rows per block when scoring (the full N × M never sits in memory at once).
BLOCK_ROWS = 256
#: Pairs explained per batch (a batch × its distinct mentors is scored with components).
EXPLAIN_BATCH = 512
#: Shortlist values of ranked entries (rank 1–3, see scoring.rules.SHORTLIST_VALUES); starred-only are lower.
RANKED_MIN = 0.7

Progress = Callable[[str, int], None]


@dataclass
class Outcome:
    """`assignment[i]`: mentor column for trainee row i, -1 when unmatched. `scores[i]`: that pair's score."""

    assignment: NDArray[np.intp]
    scores: NDArray[np.float64]
    conflicts: NDArray[np.int64]
    quality: dict[str, Any]


def _candidates(
    ctx: Context, capacity: NDArray[np.int64], k: int
) -> tuple[NDArray[np.intp], NDArray[np.float32], NDArray[np.bool_]]:
    """Each trainee's best k allowed mentors (cols, scores; -1/-inf padding) and whether any is allowed."""
    n, m = ctx.shape
    k = max(1, min(k, m))
    cols = np.full((n, k), -1, dtype=np.intp)
    vals = np.full((n, k), -np.inf, dtype=np.float32)
    closed = capacity <= 0
    for r0 in range(0, n, BLOCK_ROWS):
        r1 = min(n, r0 + BLOCK_ROWS)
        block = ctx.total(r0, r1)
        if closed.any():
            block[:, closed] = -np.inf
        top = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (r1 - r0, 1))
        top_vals = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_vals, axis=1, kind="stable")
        top, top_vals = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_vals, order, axis=1)
        cols[r0:r1] = np.where(np.isfinite(top_vals), top, -1)
        vals[r0:r1] = top_vals
    return cols, vals, cols[:, 0] >= 0


def _dense_optimal(ctx: Context, capacity: NDArray[np.int64]) -> NDArray[np.intp]:
    from matching.assignment import optimal

    n = ctx.shape[0]
    totals = np.vstack([ctx.total(r0, min(n, r0 + BLOCK_ROWS)) for r0 in range(0, n, BLOCK_ROWS)]) if n else None
    if totals is None:
        return np.full(0, -1, dtype=np.intp)
    return np.asarray(optimal(totals, capacity), dtype=np.intp)


def _trainee_prefs(ctx: Context, cols: NDArray[np.intp]) -> list[NDArray[np.intp]]:
    """The trainee's own ranked shortlist first (rank 1, 2, 3), then their other candidates by score.

    Only acceptable mentors count: a ranked mentor outside the trainee's candidates (excluded or full) is left out.
    """
    prefs = [row[row >= 0] for row in cols]
    ranked = ctx.sl_values >= RANKED_MIN
    rows, mentor_cols, values = ctx.sl_rows[ranked], ctx.sl_cols[ranked], ctx.sl_values[ranked]
    order = np.lexsort((-values, rows))
    rows, mentor_cols = rows[order], mentor_cols[order]
    for row in np.unique(rows):
        listed = mentor_cols[rows == row]
        listed = listed[np.isin(listed, prefs[row])]
        if listed.size:
            prefs[row] = np.concatenate([listed, prefs[row][~np.isin(prefs[row], listed)]]).astype(np.intp)
    return prefs


def _stable(ctx: Context, capacity: NDArray[np.int64], cols: NDArray[np.intp], vals: NDArray[np.float32]) -> Any:
    try:
        from matching.assignment import stable  # type: ignore[attr-defined]
    except ImportError:  # the engine's stable matcher is not in this build: the small one below does the same
        stable = deferred_acceptance
    m = ctx.shape[1]
    trainee_prefs = _trainee_prefs(ctx, cols)
    # Mentors rank the trainees who listed them by score (the engine's fit is symmetric).
    rows = np.repeat(np.arange(len(cols)), cols.shape[1])
    flat_cols, flat_vals = cols.reshape(-1), vals.reshape(-1)
    keep = flat_cols >= 0
    rows, flat_cols, flat_vals = rows[keep], flat_cols[keep], flat_vals[keep]
    order = np.lexsort((rows, -flat_vals, flat_cols))
    rows, flat_cols = rows[order], flat_cols[order]
    bounds = np.searchsorted(flat_cols, np.arange(m + 1))
    mentor_prefs = [rows[bounds[j] : bounds[j + 1]] for j in range(m)]
    return np.asarray(stable(trainee_prefs, mentor_prefs, capacity), dtype=np.intp)


def deferred_acceptance(
    trainee_prefs: list[NDArray[np.intp]], mentor_prefs: list[NDArray[np.intp]], capacity: NDArray[np.int64]
) -> NDArray[np.intp]:
    """Trainee-proposing deferred acceptance with capacities (the residency match): the trainee-optimal stable
    matching. A fallback for `matching.assignment.stable`, same contract; O(total list length · log capacity)."""
    import heapq

    n = len(trainee_prefs)
    rank = [{int(t): r for r, t in enumerate(prefs)} for prefs in mentor_prefs]
    held: list[list[tuple[int, int]]] = [[] for _ in mentor_prefs]  # min-heap of (-rank, trainee): worst on top
    next_choice = [0] * n
    free = list(range(n - 1, -1, -1))
    while free:
        t = free.pop()
        prefs = trainee_prefs[t]
        while next_choice[t] < len(prefs):
            j = int(prefs[next_choice[t]])
            next_choice[t] += 1
            r = rank[j].get(t)
            if r is None or capacity[j] <= 0:
                continue
            if len(held[j]) < capacity[j]:
                heapq.heappush(held[j], (-r, t))
                break
            worst_rank, worst = held[j][0]
            if r < -worst_rank:
                heapq.heapreplace(held[j], (-r, t))
                free.append(worst)
                break
    assignment = np.full(n, -1, dtype=np.intp)
    for j, entries in enumerate(held):
        for _, t in entries:
            assignment[t] = j
    return assignment


def assign(
    cohort: Cohort,
    *,
    algorithm: str,
    capacity: NDArray[np.int64],
    extra_conflicts: NDArray[np.int64],
    progress: Progress,
) -> Outcome:
    """Score the cohort's trainees (already cut to those who take part) and assign within `capacity`."""
    conflicts = np.vstack([cohort.conflicts.reshape(-1, 2), extra_conflicts.reshape(-1, 2)])
    ctx = Context(cohort.trainees, cohort.mentors, cohort.weights, shortlist=cohort.shortlist, conflicts=conflicts)
    progress("scoring", 25)
    cols, vals, matchable = _candidates(ctx, capacity, PREF_LENGTH)
    progress("assigning", 50)
    stable = algorithm == "stable"
    assignment = _stable(ctx, capacity, cols, vals) if stable else _dense_optimal(ctx, capacity)
    rows = np.flatnonzero(assignment >= 0)
    pair_scores = np.full(len(assignment), np.nan)
    if len(rows):
        pair_scores[rows] = _diagonal(cohort, conflicts, rows, assignment[rows], with_components=False)[0]
    return Outcome(
        assignment=assignment,
        scores=pair_scores,
        conflicts=conflicts,
        quality=quality_report(
            assignment=assignment,
            pair_scores=pair_scores,
            top3=cols[:, :3],
            matchable=matchable,
            capacity=capacity,
            blocking_pairs=None,
        ),
    )


def _diagonal(
    cohort: Cohort, conflicts: NDArray[np.int64], rows: NDArray[np.intp], cols: NDArray[np.intp], with_components: bool
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """Score exactly the pairs (rows[k], cols[k]) in batches: each batch scores its trainees against only the
    mentors assigned to them and keeps those cells, so 20,000 pairs never build a 20,000 × 4,000 matrix."""
    totals = np.empty(len(rows))
    components = {name: np.empty(len(rows)) for name in COMPONENTS} if with_components else {}
    for b0 in range(0, len(rows), EXPLAIN_BATCH):
        r, c = rows[b0 : b0 + EXPLAIN_BATCH], cols[b0 : b0 + EXPLAIN_BATCH]
        mentor_cols, inverse = np.unique(c, return_inverse=True)  # mentor ids must be unique within a block
        result = score(
            cohort.trainees.take(r),
            cohort.mentors.take(mentor_cols),
            cohort.weights,
            shortlist=cohort.shortlist,
            conflicts=conflicts,
            with_components=with_components,
        )
        at = (np.arange(len(r)), inverse.reshape(-1))
        totals[b0 : b0 + len(r)] = result.total[at]
        if with_components and result.components is not None:
            for name in COMPONENTS:
                components[name][b0 : b0 + len(r)] = result.components[name][at]
    return totals, components


def explain_pairs(
    cohort: Cohort, conflicts: NDArray[np.int64], rows: NDArray[np.intp], cols: NDArray[np.intp]
) -> tuple[NDArray[np.float64], list[dict[str, Any]]]:
    """Each pair's score and the breakdown snapshot stored on its proposal: component, value, weight, points."""
    totals, components = _diagonal(cohort, conflicts, rows, cols, with_components=True)
    weights = cohort.weights.active()
    active = [name for name in COMPONENTS if weights[name] > 0]
    raw = np.stack([components[name] * weights[name] for name in active], axis=1) if active else np.zeros((0, 0))
    raw_sum = raw.sum(axis=1) if active else np.zeros(len(rows))
    # Points share the 0–100 total in proportion to each component's weighted value.
    scale = np.divide(totals, raw_sum, out=np.zeros(len(rows)), where=raw_sum > 0)
    breakdowns: list[dict[str, Any]] = []
    for k in range(len(rows)):
        breakdowns.append(
            {
                "total": round(float(totals[k]), 2),
                "components": [
                    {
                        "name": name,
                        "value": round(float(components[name][k]), 3),
                        "weight": weights[name],
                        "points": round(float(raw[k, a] * scale[k]), 2),
                    }
                    for a, name in enumerate(active)
                ],
            }
        )
    return totals, breakdowns


def quality_report(
    *,
    assignment: NDArray[np.intp],
    pair_scores: NDArray[np.float64],
    top3: NDArray[np.intp],
    matchable: NDArray[np.bool_],
    capacity: NDArray[np.int64],
    blocking_pairs: int | None,
) -> dict[str, Any]:
    matched = assignment >= 0
    could = int(matchable.sum())
    load = np.bincount(assignment[matched], minlength=len(capacity)) if len(capacity) else np.zeros(0, dtype=int)
    open_mentors = capacity > 0
    ratio = float((load[open_mentors] / capacity[open_mentors]).max()) if open_mentors.any() else 0.0
    in_top3 = (top3 == assignment[:, None]).any(axis=1) & matched if len(assignment) else matched
    return {
        "trainees": len(assignment),
        "could_be_matched": could,
        "matched": int(matched.sum()),
        "matched_pct": round(100.0 * int(matched.sum()) / could, 1) if could else 0.0,
        "top3_share_pct": round(100.0 * int(in_top3.sum()) / max(int(matched.sum()), 1), 1),
        "mean_score": round(float(np.nanmean(pair_scores[matched])), 1) if matched.any() else 0.0,
        "max_load_ratio": round(ratio, 2),
        "load_gini": round(gini(load[open_mentors]), 3),
        "blocking_pairs": blocking_pairs,
    }


def gini(values: NDArray[Any]) -> float:
    v = np.sort(np.asarray(values, dtype=np.float64))
    if v.size == 0 or v.sum() == 0:
        return 0.0
    n = v.size
    return float((2 * np.arange(1, n + 1) - n - 1) @ v / (n * v.sum()))
