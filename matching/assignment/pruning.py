"""Choosing the first candidate pairs block by block, while the scores stream past.

Candidates are each trainee's best `k_row` mentors plus, for each mentor, the trainees scoring at least a
threshold set from a random sample of trainees (about `k_col` of them). They are only a starting point:
`exact.solve` proves the result optimal over all pairs and adds whatever pairs the proof needs.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.typing import NDArray

from .exact import Pairs
from .fast import nonzero2d

#: Any allowed (finite) score is at least this; excluded pairs are -inf.
FLOOR = float(np.finfo(np.float32).min)


def column_thresholds(sample: NDArray[np.floating], n: int, k_col: int) -> NDArray[np.float64]:
    """Per mentor, a score that about `k_col` of all `n` trainees reach, estimated from sampled trainee rows."""
    rows = sample.shape[0]
    if rows == 0:
        return np.full(sample.shape[1], FLOOR)
    q = int(np.clip(round(k_col * rows / max(n, 1)), 1, rows))
    by_mentor = np.ascontiguousarray(sample.T)  # contiguous per mentor: a much faster partition
    by_mentor.partition(rows - q, axis=1)
    top = by_mentor[:, rows - q]
    return np.maximum(np.where(np.isfinite(top), top, FLOOR), FLOOR).astype(np.float64)


class Pruner:
    """Collects candidates from blocks of rows; thread-safe so blocks can be scored in parallel."""

    def __init__(self, n: int, m: int, k_row: int, col_bound: NDArray[np.float64]) -> None:
        self.n, self.m, self.k_row = n, m, min(k_row, m)
        self.col_bound = col_bound
        self._col_bound32 = col_bound.astype(np.float32)
        # No column takes anyone by its bound (+inf everywhere: stable lists, each row's best only): no scores reach
        # +inf, so the pass over the block comparing with it is skipped.
        self._by_column = bool(np.isfinite(col_bound).any())
        self._parts: list[Pairs] = []
        self._lock = threading.Lock()
        self._forced_rows = np.empty(0, dtype=np.intp)
        self._forced_cols = np.empty(0, dtype=np.intp)
        self._scratch = threading.local()

    def force(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> None:
        """Always take these pairs as candidates when they are allowed (e.g. the trainees' shortlists)."""
        order = np.argsort(rows, kind="stable")
        self._forced_rows, self._forced_cols = rows[order].astype(np.intp), cols[order].astype(np.intp)

    def _held(self, block: NDArray[np.floating]) -> tuple[NDArray[np.floating], NDArray[np.bool_], NDArray[np.bool_]]:
        # Scratch reused across this thread's blocks: fresh multi-megabyte temporaries cost page faults.
        b, m = block.shape
        held = getattr(self._scratch, "held", None)
        if held is None or held[0].size < b * m or held[0].dtype != block.dtype:
            held = (np.empty(b * m, dtype=block.dtype), np.empty(b * m, dtype=bool), np.empty(b * m, dtype=bool))
            self._scratch.held = held
        work, mask, other = (x[: b * m].reshape(b, m) for x in held)
        return work, mask, other

    def row_thresholds(self, block: NDArray[np.floating], ks: tuple[int, ...]) -> list[NDArray[np.floating]]:
        """Per row, the k-th best score for each k in `ks` (FLOOR where fewer are allowed; +inf for k = 0), from
        one partition of the row at the largest k: the smaller ones partition only the top slice it leaves. One
        pass serves this pruner's `k_row` and another pruner's longer lists."""
        b, m = block.shape
        work = self._held(block)[0]
        wide = min(max(ks), m)
        out: dict[int, NDArray[np.floating]] = {}
        if wide > 0:
            np.copyto(work, block)
            work.partition(m - wide, axis=1)
            top = work[:, m - wide :]  # each row's `wide` best, in no order
            for k in sorted({min(k, m) for k in ks if k > 0}, reverse=True):
                if k < wide:
                    top.partition(wide - k, axis=1)
                kth = top[:, wide - k]
                out[k] = np.where(np.isfinite(kth), kth, FLOOR).astype(block.dtype)
        return [out[min(k, m)] if k > 0 else np.full(b, np.inf, dtype=block.dtype) for k in ks]

    def add(self, r0: int, block: NDArray[np.floating], kth: NDArray[np.floating] | None = None) -> None:
        """Take the block's candidates: each row's `k_row` best (or at least `kth`, that row's threshold worked
        out already by `row_thresholds`), and each column's at least its bound."""
        b, m = block.shape
        if m == 0 or b == 0:
            return
        if kth is None:
            kth = self.row_thresholds(block, (self.k_row,))[0]
        _, mask, other = self._held(block)
        np.greater_equal(block, kth[:, None], out=mask)
        if self._by_column:
            mask |= np.greater_equal(block, self._col_bound32[None, :], out=other)
        lo, hi = np.searchsorted(self._forced_rows, [r0, r0 + b])
        mask[self._forced_rows[lo:hi] - r0, self._forced_cols[lo:hi]] = True
        rows, cols = nonzero2d(mask)
        values = block[rows, cols].astype(np.float64)
        finite = values > FLOOR  # excluded pairs (-inf) are never candidates
        part = ((rows[finite] + r0).astype(np.intp), cols[finite].astype(np.intp), values[finite])
        with self._lock:
            self._parts.append(part)

    def candidates(self) -> Pairs:
        if not self._parts:
            empty = np.empty(0, dtype=np.intp)
            return empty, empty, np.empty(0)
        # In row order whichever thread finished first: each block's pairs are in (row, column) order already.
        parts = sorted(self._parts, key=lambda part: int(part[0][0]) if len(part[0]) else -1)
        rows, cols, vals = (np.concatenate(x) for x in zip(*parts, strict=True))
        return rows, cols, vals
