"""`optimal(scores, capacity)`: the exact maximum-cardinality, maximum-score assignment within capacity."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import exact
from .fast import nonzero2d
from .pruning import Pruner, column_thresholds
from .runtime import engine_settings, run_pieces

#: Below this many pairs all allowed pairs go to the solver at once; above it, prune and prove.
DENSE_PAIRS = 250_000
BLOCK_PAIRS = 1 << 20
SAMPLE_ROWS = 2048
#: Between rounds, keep candidate pairs within this share of the score range (× round number) of their prices;
#: near-misses found by the proof are those within NEAR_MARGIN of the range.
KEEP_MARGIN = 0.02
NEAR_MARGIN = 0.01


def validate(scores: ArrayLike, capacity: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Check the `optimal` contract's inputs; ValueError with a plain message when they break it."""
    s = np.asarray(scores)
    if s.ndim != 2:
        raise ValueError(f"scores must be a 2-D trainees × mentors array, got {s.ndim} dimension(s).")
    if s.dtype.kind not in "fiub":
        raise ValueError(f"scores must be numbers, got dtype {s.dtype}.")
    if s.dtype.kind == "f":
        if np.isnan(s).any():
            raise ValueError("scores contain NaN: mark an excluded pair with -inf, not NaN.")
        if np.isposinf(s).any():
            raise ValueError("scores contain +inf: only -inf (an excluded pair) may be infinite.")
    c = np.asarray(capacity)
    if c.ndim != 1:
        raise ValueError(f"capacity must be a 1-D array with one entry per mentor, got shape {c.shape}.")
    if c.shape[0] != s.shape[1]:
        raise ValueError(f"capacity has {c.shape[0]} entries but scores has {s.shape[1]} mentor columns.")
    if c.dtype.kind not in "iub" and not (c.dtype.kind == "f" and np.array_equal(c, np.round(c))):
        raise ValueError("capacity must hold whole numbers.")
    if c.size and c.min() < 0:
        raise ValueError("capacity must not be negative.")
    return s, c.astype(np.int64)


class SlackFinder:
    """Finds pairs that beat their dual prices, block by block, plus near-misses that help the next solve.

    Slack of a pair = score − trainee price − mentor price; a positive slack means the pair could improve the
    assignment. A pass computes the slack of every pair in float32 (half the memory traffic of float64) and
    returns, for every row with a pair above −`margin`, its `per_row` pairs of largest slack above −`margin`,
    the pairs above a per-mentor threshold that would give every mentor about `per_col` such pairs (estimated
    from sampled rows; when trainees outnumber places, who gets left out is decided on the mentors' side), and
    every pair within 2·err of the row's largest float32 slack, where err bounds the float32 rounding.

    That last rule keeps the proof exact: if a pair's true slack t* beats the tolerance, its float32 slack is
    ≥ t* − err, and the row's largest float32 slack is ≤ t* + err, so that pair is returned and `exact.solve`
    (which re-checks every returned pair in float64) sees it. (Choosing only the top `per_row` in float32 let a
    pair better by 1e-5 slip behind near-ties once; prices near the cardinality offset D round by ~0.03.)
    """

    def __init__(
        self,
        blocks: Callable[[int, int], NDArray[np.floating]],
        n: int,
        step: int,
        sample: NDArray[np.intp],
        sample_scores: NDArray[np.floating],
        per_row: int = 4,
        per_col: int = 4,
        margin: float = 1.0,
        threads: int = 1,
        score_bound: float | None = None,
    ) -> None:
        self.blocks, self.n, self.step = blocks, n, step
        self.sample, self.sample_scores = sample, sample_scores
        self.per_row, self.per_col, self.margin, self.threads = per_row, per_col, margin, threads
        # The largest |score| any block may hold (default: the sample's), for the rounding bound.
        self.score_bound = _largest_finite(sample_scores) if score_bound is None else abs(score_bound)

    def _column_thresholds(self, u: NDArray[np.float32], v: NDArray[np.float32]) -> NDArray[np.float32]:
        k = len(self.sample)
        if not k or not self.per_col:
            return np.full(len(v), np.inf, dtype=np.float32)
        q = int(np.clip(round(self.per_col * k / max(self.n, 1)), 1, k))
        u_sample = u[self.sample][None, :]
        theta = np.empty(len(v), dtype=np.float32)

        def chunk(j0: int) -> None:
            j1 = min(len(v), j0 + 512)
            slack = np.ascontiguousarray(self.sample_scores[:, j0:j1].T, dtype=np.float32)
            slack -= u_sample
            slack -= v[j0:j1, None]
            slack.partition(k - q, axis=1)
            theta[j0:j1] = slack[:, k - q]

        # A few hundred mentors at a time (a whole sample × mentors copy was 2 × 32 MB at 20k × 4k), each
        # mentor-major so its sampled slacks are contiguous for the partition; on the pass's threads.
        run_pieces(chunk, range(0, len(v), 512), self.threads)
        return np.maximum(theta, np.float32(-self.margin))

    def __call__(self, prices: exact.Prices) -> exact.Pairs:
        u, v = prices.trainee.astype(np.float32), prices.mentor.astype(np.float32)
        magnitude = _largest_finite(prices.mentor) + _largest_finite(prices.trainee)
        # Rounding u and v to float32 and the two subtractions each err by ≤ 2^-24 of their operands.
        err = 4.0 * 2.0**-24 * (2 * magnitude + self.score_bound) + prices.tolerance
        pass_ = _Pass(u, v, prices.assignment, self._column_thresholds(u, v), err, self)
        local = threading.local()
        found = run_pieces(lambda r0: pass_.block(r0, local), range(0, self.n, self.step), self.threads)
        if not found:
            empty = np.empty(0, dtype=np.intp)
            return empty, empty, np.empty(0)
        rows, cols, vals = (np.concatenate(x) for x in zip(*found, strict=True))
        return rows, cols, vals


class _Pass:
    """One proof pass: the prices in float32 and what to keep from each block."""

    def __init__(
        self,
        u: NDArray[np.float32],
        v: NDArray[np.float32],
        assignment: NDArray[np.intp],
        theta: NDArray[np.float32],
        err: float,
        finder: SlackFinder,
    ) -> None:
        self.u, self.v, self.assignment, self.theta = u, v, assignment, theta
        self.err = np.float32(err)
        self.margin = np.float32(max(finder.margin, err))
        self.blocks, self.n, self.step, self.per_row = finder.blocks, finder.n, finder.step, finder.per_row

    def block(self, r0: int, local: threading.local) -> exact.Pairs:
        r1 = min(self.n, r0 + self.step)
        block = self.blocks(r0, r1)
        b, m = block.shape
        # Scratch reused across this thread's blocks: fresh multi-megabyte temporaries cost page faults.
        if getattr(local, "size", 0) < b * m:
            local.size = b * m
            local.slack = np.empty(b * m, np.float32)
        slack = local.slack[: b * m].reshape(b, m)
        np.subtract(block, self.v[None, :], out=slack, dtype=np.float32)
        slack -= self.u[r0:r1, None]
        own = self.assignment[r0:r1]
        placed = np.flatnonzero(own >= 0)
        # An assigned pair's slack is 0 by construction: leave it out of the row's best.
        slack[placed, own[placed]] = -np.inf
        best = slack.max(axis=1) if m else np.full(b, -np.inf, dtype=np.float32)
        # Only pairs above a row's floor can be kept: near ones (slack > −margin) and, where the row's best
        # could beat 0, those within 2·err of that best. One compare and one nonzero find them all.
        doubt = best > -self.err
        floor = np.where(doubt, np.minimum(-self.margin, best - 2 * self.err), -self.margin)
        rows, cols = nonzero2d(slack > floor[:, None])
        if not len(rows):
            empty = np.empty(0, dtype=np.intp)
            return empty, empty, np.empty(0)
        val = slack[rows, cols]
        near = val > -self.margin
        keep = near & (val >= self.theta[cols])  # the mentor's side
        keep |= doubt[rows] & (val >= best[rows] - 2 * self.err)  # exactness (see SlackFinder)
        # The row's `per_row` largest near slacks: nonzero gave each row's pairs together, so one sort by
        # (row, −slack) ranks them within their row.
        order = np.lexsort((-val, rows))
        first = np.searchsorted(rows[order], rows[order], side="left")
        rank = np.empty(len(rows), dtype=np.int64)
        rank[order] = np.arange(len(rows)) - first
        keep |= near & (rank < self.per_row)
        rows, cols = rows[keep], cols[keep]
        return (rows + r0).astype(np.intp), cols.astype(np.intp), block[rows, cols].astype(np.float64)


def _largest_finite(values: NDArray[np.floating]) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max(initial=0.0))


@engine_settings()  # single-threaded BLAS, no huge-page hint: see `runtime`
def optimal(
    scores: ArrayLike,
    capacity: ArrayLike,
    *,
    prune: bool | None = None,
    k_row: int = 10,
    k_col: int = 10,
    threads: int = 2,
) -> NDArray[np.intp]:
    """Each trainee's mentor index (-1: unmatched) in the exact optimum.

    `scores`: N × M, higher is better, -inf marks an excluded pair (never assigned). `capacity`: M whole
    numbers ≥ 0. The result matches as many trainees as possible and, among those assignments, has the
    largest total score; mentor j gets at most capacity[j] trainees.

    Large inputs are solved on each trainee's best `k_row` mentors and each mentor's best ~`k_col` trainees,
    then proven optimal over all pairs with dual prices (pairs that could improve are added and the problem
    solved again), so the answer is the same as the all-pairs optimum. `prune` forces either path.
    """
    s, cap = validate(scores, capacity)
    n, m = s.shape
    if n == 0 or m == 0:
        return np.full(n, -1, dtype=np.intp)
    allowed = np.isfinite(s) & (cap > 0)[None, :]
    if not allowed.any():
        return np.full(n, -1, dtype=np.intp)
    values = s[allowed]
    lo, hi = float(values.min()), float(values.max())
    if prune is None:
        prune = n * m > DENSE_PAIRS
    if not prune:
        rows, cols = nonzero2d(allowed)
        pairs = (rows.astype(np.intp), cols.astype(np.intp), s[rows, cols].astype(np.float64))
        return exact.solve(n, cap, pairs, lo, hi, None).assignment
    # Closed mentors and excluded pairs are left out of the blocks as -inf.
    work = np.where(allowed, s, -np.inf)
    step = max(1, BLOCK_PAIRS // m)
    rng = np.random.default_rng(0)  # a fixed sample: the same input always gives the same candidates
    sample = np.sort(rng.choice(n, size=min(n, SAMPLE_ROWS), replace=False))
    pruner = Pruner(n, m, k_row, column_thresholds(work[sample], n, k_col))
    for r0 in range(0, n, step):
        pruner.add(r0, work[r0 : r0 + step])
    spread = max(hi - lo, np.finfo(np.float64).tiny)
    finder = SlackFinder(
        lambda r0, r1: work[r0:r1],
        n,
        step,
        sample,
        work[sample],
        margin=NEAR_MARGIN * spread,
        threads=threads,
        score_bound=max(abs(lo), abs(hi)),
    )
    return exact.solve(n, cap, pruner.candidates(), lo, hi, finder, keep_margin=KEEP_MARGIN * spread).assignment
