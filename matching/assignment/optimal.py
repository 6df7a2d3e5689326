"""`optimal(scores, capacity)`: the exact maximum-cardinality, maximum-score assignment within capacity."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import exact
from .pruning import Pruner, column_thresholds

#: Below this many pairs all allowed pairs go to the solver at once; above it, prune and prove.
DENSE_PAIRS = 250_000
BLOCK_PAIRS = 1 << 20
SAMPLE_ROWS = 2048
ADD_PER_ROW = 4


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


def best_violations(slack: NDArray[np.floating], r0: int, per_row: int) -> exact.Pairs:
    """Up to `per_row` pairs per row with positive slack (score above the prices), the largest first.

    Adding a few of the worst offenders per trainee and solving again converges in a few rounds; adding every
    violating pair can add millions of pairs that the final solution never uses.
    """
    hot = np.flatnonzero((slack > 0).any(axis=1))
    if not len(hot):
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0)
    sub = slack[hot]
    k = min(per_row, sub.shape[1])
    cols = np.argpartition(sub, sub.shape[1] - k, axis=1)[:, sub.shape[1] - k :]
    rows = np.repeat(hot, k)
    cols = cols.reshape(-1)
    keep = sub[np.repeat(np.arange(len(hot)), k), cols] > 0
    return (rows[keep] + r0).astype(np.intp), cols[keep].astype(np.intp), np.empty(0)


def _violations_dense(scores: NDArray[np.floating], block_rows: int) -> exact.ViolationFinder:
    """Pairs whose real score beats the prices (checked against the whole matrix, block by block)."""

    def find(prices: exact.Prices) -> exact.Pairs:
        found: list[tuple[NDArray[np.intp], NDArray[np.intp]]] = []
        p = prices.mentor[None, :]
        for r0 in range(0, scores.shape[0], block_rows):
            block = scores[r0 : r0 + block_rows]
            slack = block - (prices.trainee[r0 : r0 + block_rows, None] + p + prices.tolerance)
            rows, cols, _ = best_violations(slack, r0, ADD_PER_ROW)
            found.append((rows, cols))
        rows = np.concatenate([f[0] for f in found])
        cols = np.concatenate([f[1] for f in found])
        return rows, cols, scores[rows, cols].astype(np.float64)

    return find


def optimal(
    scores: ArrayLike,
    capacity: ArrayLike,
    *,
    prune: bool | None = None,
    k_row: int = 24,
    k_col: int = 16,
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
        rows, cols = np.nonzero(allowed)
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
    return exact.solve(n, cap, pruner.candidates(), lo, hi, _violations_dense(work, step)).assignment
