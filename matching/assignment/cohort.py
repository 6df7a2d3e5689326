"""A whole cohort in one call: score in blocks, keep candidate pairs, assign exactly or stably, report quality.

This is what the round service calls. Scores are computed block by block and fused with choosing candidates;
no N × M matrix of components ever exists. The N × M matrix of totals (float32) is kept only while it fits
`keep_scores_bytes`; past that the proof of optimality scores the blocks again instead of reading them back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matching.quality import Quality, blocking_pairs, listed_rank, round_quality
from matching.scoring.arrays import MentorFeatures, Shortlist, TraineeFeatures
from matching.scoring.compute import Context, default_block_rows
from matching.scoring.weights import Weights

from . import exact
from .fast import find_sorted
from .optimal import KEEP_MARGIN, NEAR_MARGIN, SAMPLE_ROWS, SlackFinder
from .prefs import prefs_from_pairs
from .pruning import Pruner, column_thresholds
from .runtime import engine_settings, run_pieces
from .stable import stable

SCORE_LO, SCORE_HI = 0.0, 100.0


@dataclass
class CohortResult:
    """`assignment`: mentor index per trainee (-1 unmatched). `scores_of_assigned`: that pair's score (NaN
    unmatched). `assigned_rank`: the 1-based place of the assigned mentor in the trainee's own order, which the
    top-3 share counts (0 unmatched; by score for "optimal", exact up to `k_row`; by place on the preference list
    for "stable"). `rounds`: how many times the exact solver ran (0 for stable). `stable_prefs`: the stable
    round's preference lists (trainees', mentors'), for "stable" and for "optimal" with `stable_lists`."""

    assignment: NDArray[np.intp]
    scores_of_assigned: NDArray[np.float32]
    assigned_rank: NDArray[np.int64]
    quality: Quality
    method: str
    rounds: int
    candidates: int
    stable_prefs: tuple[NDArray[np.int64], list[NDArray[np.int64]]] | None = None


def assign_cohort(
    trainees: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    capacity: ArrayLike,
    *,
    shortlist: Shortlist | None = None,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None = None,
    method: Literal["optimal", "stable"] = "optimal",
    pref_length: int = 50,
    k_row: int = 10,
    k_col: int = 20,  # 20 rather than 10: fewer proof rounds at 20k × 4k (docs/performance.md)
    threads: int = 2,
    keep_scores_bytes: int = 400 << 20,
    stable_lists: bool = False,
) -> CohortResult:
    """Assign a cohort: "optimal" (most trainees matched, then the highest total score, exact) or "stable"
    (trainee-proposing deferred acceptance on `pref_length`-long lists: shortlist first, then scores).

    `capacity[j]`: how many more mentees mentor j may take in this round (≥ 0).

    `stable_lists` (optimal only): also build, from the same scoring pass, the lists a stable round on this
    cohort would use, and count the optimal answer's blocking pairs under them (`quality.blocking_pairs`), so
    a coordinator can weigh its higher total fit against its stability. Off by default: it costs a wider
    partition of every block and about 25 MB at 20,000 × 4,000.
    """
    # Our own threads score whole blocks; see `runtime` for why BLAS threads and huge pages are off meanwhile.
    with engine_settings():
        return _assign_cohort(
            trainees,
            mentors,
            weights,
            capacity,
            shortlist=shortlist,
            conflicts=conflicts,
            method=method,
            pref_length=pref_length,
            k_row=k_row,
            k_col=k_col,
            threads=threads,
            keep_scores_bytes=keep_scores_bytes,
            stable_lists=stable_lists,
        )


def _assign_cohort(
    trainees: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    capacity: ArrayLike,
    *,
    shortlist: Shortlist | None,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None,
    method: Literal["optimal", "stable"],
    pref_length: int,
    k_row: int,
    k_col: int,
    threads: int,
    keep_scores_bytes: int,
    stable_lists: bool,
) -> CohortResult:
    if method not in ("optimal", "stable"):
        raise ValueError(f"method must be 'optimal' or 'stable', got {method!r}.")
    cap = np.asarray(capacity)
    if cap.shape != (len(mentors),):
        raise ValueError(f"capacity must have one entry per mentor ({len(mentors)}), got shape {cap.shape}.")
    if cap.size and cap.min() < 0:
        raise ValueError("capacity must not be negative.")
    cap = cap.astype(np.int64)
    ctx = Context(trainees, mentors, weights, shortlist=shortlist, conflicts=conflicts)
    n, m = ctx.shape
    if n == 0 or m == 0 or cap.sum() == 0:
        none = np.full(n, -1, dtype=np.intp)
        quality = round_quality(none, np.full(n, np.nan), cap, eligible=np.zeros(n, dtype=bool))
        if method == "stable" or stable_lists:  # no mentor has a place to offer, or nobody to offer it to
            quality = replace(quality, blocking_pairs=0)
        no_rank = np.zeros(n, dtype=np.int64)
        return CohortResult(none, np.full(n, np.nan, dtype=np.float32), no_rank, quality, method, 0, 0)
    closed = cap <= 0
    step = default_block_rows(m)

    def block_scores(r0: int, r1: int, out: NDArray[np.float32] | None = None) -> NDArray[np.float32]:
        total = ctx.total(r0, r1, out=out)
        if closed.any():
            np.copyto(total, np.float32(-np.inf), where=closed[None, :])
        return total

    rng = np.random.default_rng(0)  # fixed: the same cohort always gives the same candidates
    sample = np.sort(rng.choice(n, size=min(n, SAMPLE_ROWS), replace=False)) if n else np.empty(0, dtype=np.intp)
    sample_ctx = Context(trainees.take(sample), mentors, weights, shortlist=shortlist, conflicts=conflicts)
    sample_scores = sample_ctx.total(0, len(sample)) if len(sample) else np.empty((0, m), dtype=np.float32)
    sample_scores[:, closed] = -np.inf
    k_col_eff = k_col if method == "optimal" else 0
    pruner = Pruner(
        n,
        m,
        pref_length if method == "stable" else k_row,
        column_thresholds(sample_scores, n, k_col_eff) if k_col_eff else np.full(m, np.inf),
    )
    shortlist_pairs = shortlist_indices(ctx)
    if method == "stable" and shortlist_pairs is not None:
        pruner.force(*shortlist_pairs)
    # The stable round's lists, for counting an optimal answer's blocking pairs: picked as the stable mode picks
    # them, from the very same block scores, so ties order the same to the last bit.
    listing = Pruner(n, m, pref_length, np.full(m, np.inf)) if method == "optimal" and stable_lists else None
    if listing is not None and shortlist_pairs is not None:
        listing.force(*shortlist_pairs)
    keep = n * m * 4 <= keep_scores_bytes
    stored = np.empty((n, m), dtype=np.float32) if keep else None
    eligible = np.zeros(n, dtype=bool)

    def first_pass(r0: int, r1: int) -> None:
        total = block_scores(r0, r1, out=stored[r0:r1] if stored is not None else None)
        eligible[r0:r1] = np.isfinite(total).any(axis=1)
        if listing is None:
            pruner.add(r0, total)
            return
        # One partition of each row serves both: a second one costs as much as scoring the block again.
        kth, kth_listed = pruner.row_thresholds(total, (pruner.k_row, listing.k_row))
        pruner.add(r0, total, kth)
        listing.add(r0, total, kth_listed)

    # NumPy and BLAS release the GIL in the heavy calls, so two threads use both cores.
    run_pieces(lambda r0: first_pass(r0, min(n, r0 + step)), range(0, n, step), threads)
    rows, cols, values = pruner.candidates()

    ranks = shortlist_by_row(shortlist_pairs) if shortlist_pairs is not None else None
    prefs: tuple[NDArray[np.int64], list[NDArray[np.int64]]] | None = None
    if method == "stable":
        prefs = prefs_from_pairs(n, m, rows, cols, values, pref_length, ranks)
        assignment = stable(*prefs, cap)
        rounds = 0
    else:
        source = (lambda r0, r1: stored[r0:r1]) if stored is not None else block_scores
        spread = SCORE_HI - SCORE_LO
        finder = SlackFinder(
            source,
            n,
            step,
            sample,
            sample_scores,
            margin=NEAR_MARGIN * spread,
            threads=threads,
            score_bound=max(abs(SCORE_LO), abs(SCORE_HI)),
        )
        solution = exact.solve(
            n, cap, (rows, cols, values), SCORE_LO, SCORE_HI, finder, keep_margin=KEEP_MARGIN * spread
        )
        assignment, rounds = solution.assignment, solution.rounds
        if listing is not None:
            prefs = prefs_from_pairs(n, m, *listing.candidates(), pref_length, ranks)
    assigned = _assigned_scores(assignment, rows, cols, values, stored, block_scores, step)
    if method == "stable" and prefs is not None:
        rank = listed_rank(assignment, prefs[0], m)
    else:
        rank = _assigned_rank(assignment, assigned, rows, cols, values)
    quality = round_quality(assignment, assigned, cap, eligible=eligible, assigned_rank=rank)
    if prefs is not None:  # a stable round's is 0 by construction, and counted all the same
        quality = replace(quality, blocking_pairs=blocking_pairs(assignment, *prefs, cap))
    return CohortResult(assignment, assigned, rank, quality, method, rounds, len(rows), prefs)


def shortlist_indices(ctx: Context) -> tuple[NDArray[np.intp], NDArray[np.intp]] | None:
    """Trainees' ranked shortlist entries as (trainee row, mentor column), each trainee's #1 first."""
    ranked = ctx.sl_ranks > 0  # starred without a rank sets no order
    if not ranked.any():
        return None
    rows, cols, ranks = ctx.sl_rows[ranked], ctx.sl_cols[ranked], ctx.sl_ranks[ranked]
    order = np.lexsort((ranks, rows))
    return rows[order], cols[order]


def shortlist_by_row(pairs: tuple[NDArray[np.intp], NDArray[np.intp]]) -> dict[int, list[int]]:
    """`shortlist_indices` grouped by trainee row: each trainee's ranked mentor columns, #1 first."""
    rows, cols = pairs
    bounds = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1], True])
    return {int(rows[a]): cols[a:b].tolist() for a, b in itertools.pairwise(bounds)}


def _assigned_scores(
    assignment: NDArray[np.intp],
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    values: NDArray[np.float64],
    stored: NDArray[np.float32] | None,
    block_scores: Callable[[int, int], NDArray[np.float32]],
    step: int,
) -> NDArray[np.float32]:
    out = np.full(len(assignment), np.nan, dtype=np.float32)
    matched = np.flatnonzero(assignment >= 0)
    if stored is not None:
        out[matched] = stored[matched, assignment[matched]]
        return out
    m = int(max(cols.max(initial=0), assignment.max(initial=0))) + 1
    key = rows.astype(np.int64) * m + cols
    order = np.argsort(key)
    want = matched.astype(np.int64) * m + assignment[matched]
    at, found = find_sorted(key[order], want)
    out[matched[found]] = values[order][at[found]]
    for i in matched[~found]:  # added by the proof but not a first-pass candidate: rare
        out[i] = block_scores(int(i), int(i) + 1)[0, assignment[i]]
    return out


def _assigned_rank(
    assignment: NDArray[np.intp],
    assigned: NDArray[np.float32],
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    values: NDArray[np.float64],
) -> NDArray[np.int64]:
    """1-based rank of the assigned mentor by score among the trainee's candidates (exact up to rank k_row); 0
    unmatched."""
    rank = np.zeros(len(assignment), dtype=np.int64)
    better = values > assigned[rows].astype(np.float64)
    np.add.at(rank, rows[better], 1)
    return np.where(assignment >= 0, rank + 1, 0)
