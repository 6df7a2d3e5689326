"""Preference lists for the stable assignment, built from scores and the trainees' own ranked shortlists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .fast import find_sorted
from .optimal import BLOCK_PAIRS
from .pruning import Pruner

ShortlistRanks = Mapping[int, Sequence[int]]


def prefs_from_pairs(
    n: int,
    m: int,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    values: NDArray[np.floating],
    k: int,
    shortlist_ranks: ShortlistRanks | None = None,
) -> tuple[NDArray[np.int64], list[NDArray[np.int64]]]:
    """Trainee lists (N × ≤k, padded with -1) and mentor lists from scored, acceptable (finite) pairs.

    A trainee's list is their ranked shortlist first (mentors they may be matched with, in their order), then
    their best-scoring mentors, k in all (longer only if the shortlist itself is). A mentor's list is every
    trainee who listed them, best score first. Ties go to the lower index, so the lists are deterministic.
    """
    finite = np.isfinite(values)
    rows, cols, values = rows[finite], cols[finite], values[finite].astype(np.float64)
    first = np.full(len(rows), np.iinfo(np.int64).max, dtype=np.int64)
    if shortlist_ranks:
        none = np.empty(0, dtype=np.int64)
        s_rows = np.concatenate([none, *(np.full(len(v), i, dtype=np.int64) for i, v in shortlist_ranks.items())])
        s_cols = np.concatenate([none, *(np.asarray(v, dtype=np.int64) for v in shortlist_ranks.values())])
        s_pos = np.concatenate([none, *(np.arange(len(v), dtype=np.int64) for v in shortlist_ranks.values())])
        key = rows.astype(np.int64) * m + cols
        s_key = s_rows.astype(np.int64) * m + s_cols
        order = np.argsort(s_key, kind="stable")
        s_key, s_pos = s_key[order], s_pos[order]
        at, listed = find_sorted(s_key, key)
        first[listed] = s_pos[at[listed]]
    # By trainee, then shortlist place, then score, then mentor index. Pairs arrive from `Pruner` already in
    # (trainee, mentor) order, so a stable sort on that key costs nothing and the index tie-break then comes free
    # from the stable sorts that follow: a 4-key lexsort of a million pairs took three times as long.
    order = np.argsort(rows.astype(np.int64) * m + cols, kind="stable")
    order = order[np.lexsort((-values[order], first[order], rows[order]))]
    rows, cols, values, first = rows[order], cols[order], values[order], first[order]
    count = np.bincount(rows, minlength=n)
    position = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
    keep = (position < k) | (first < np.iinfo(np.int64).max)
    rows, cols, values, position = rows[keep], cols[keep], values[keep], position[keep]
    width = int(position.max(initial=-1)) + 1
    trainee = np.full((n, width), -1, dtype=np.int64)
    trainee[rows, position] = cols
    by_mentor = np.lexsort((-values, cols))  # stable: ties keep trainee order, the lower index first
    m_cols, m_rows = cols[by_mentor], rows[by_mentor]
    bounds = np.searchsorted(m_cols, np.arange(m + 1))
    mentor = [m_rows[bounds[j] : bounds[j + 1]].astype(np.int64) for j in range(m)]
    return trainee, mentor


def prefs_from_scores(
    scores: ArrayLike, k: int = 50, shortlist_ranks: ShortlistRanks | None = None
) -> tuple[NDArray[np.int64], list[NDArray[np.int64]]]:
    """Preferences from an N × M score matrix (-inf = unacceptable): see `prefs_from_pairs`.

    `shortlist_ranks` maps a trainee index to the mentor indices they ranked, best first.
    """
    s = np.asarray(scores)
    if s.ndim != 2:
        raise ValueError("scores must be a 2-D trainees × mentors array.")
    if k < 1:
        raise ValueError("k must be at least 1.")
    n, m = s.shape
    pruner = Pruner(n, m, k, np.full(m, np.inf))
    step = max(1, BLOCK_PAIRS // max(m, 1))
    for r0 in range(0, n, step):
        pruner.add(r0, s[r0 : r0 + step])
    rows, cols, values = pruner.candidates()
    if shortlist_ranks:
        extra_rows = np.concatenate([np.full(len(v), i) for i, v in shortlist_ranks.items()]).astype(np.intp)
        extra_cols = np.concatenate([np.asarray(v) for v in shortlist_ranks.values()]).astype(np.intp)
        rows = np.concatenate([rows, extra_rows])
        cols = np.concatenate([cols, extra_cols])
        values = np.concatenate([values, s[extra_rows, extra_cols].astype(np.float64)])
        key = rows.astype(np.int64) * m + cols
        _, unique = np.unique(key, return_index=True)
        rows, cols, values = rows[unique], cols[unique], values[unique]
    return prefs_from_pairs(n, m, rows, cols, values, k, shortlist_ranks)
