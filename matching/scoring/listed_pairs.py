"""Pairs named by id, as the scoring context holds them: by row and column position, sorted by row, so a block
of trainee rows finds its own with one binary search. The trainees' shortlists (a bonus by rank) and the conflicts
(a mentor who assesses or supervises the trainee: excluded)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .arrays import MentorFeatures, Shortlist, TraineeFeatures, pairs_array
from .mentor_side import F32
from .rules import shortlist_value


@dataclass(frozen=True)
class ShortlistPositions:
    has_shortlist: NDArray[np.bool_]  # per trainee row: they starred or ranked someone, here or not
    rows: NDArray[np.intp]
    cols: NDArray[np.intp]
    values: NDArray[np.float32]  # the shortlist component, from the rank
    ranks: NDArray[np.int16]


def _sparse_pairs(
    trainees: TraineeFeatures, mentors: MentorFeatures, trainee_ids: NDArray[np.int64], mentor_ids: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.bool_]]:
    rows, cols = trainees.position_of(trainee_ids), mentors.position_of(mentor_ids)
    keep = (rows >= 0) & (cols >= 0)
    return rows[keep], cols[keep], keep


def shortlist_positions(
    trainees: TraineeFeatures, mentors: MentorFeatures, shortlist: Shortlist | None
) -> ShortlistPositions:
    """Each listed pair once (its best entry when listed twice), sorted by (row, col); ids not in the arrays are
    left out, but a trainee whose list names only absent mentors still counts as having a shortlist."""
    has_shortlist = np.zeros(len(trainees), dtype=bool)
    if shortlist is None or not len(shortlist.ranks):
        empty = np.empty(0, dtype=np.intp)
        return ShortlistPositions(has_shortlist, empty, empty, np.empty(0, dtype=F32), np.empty(0, dtype=np.int16))
    t_rows = trainees.position_of(shortlist.trainee_ids)
    has_shortlist[t_rows[t_rows >= 0]] = True
    rows, cols, keep = _sparse_pairs(trainees, mentors, shortlist.trainee_ids, shortlist.mentor_ids)
    ranks = shortlist.ranks[keep]
    values = shortlist_value(ranks)
    order = np.lexsort((-values, cols, rows))  # best entry first for a pair listed twice
    rows, cols, values, ranks = rows[order], cols[order], values[order], ranks[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return ShortlistPositions(has_shortlist, rows[first], cols[first], values[first], ranks[first])


def conflict_positions(
    trainees: TraineeFeatures,
    mentors: MentorFeatures,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(rows, cols) of the (trainee id, mentor id) conflicts present in the arrays, sorted by row."""
    pairs = pairs_array(conflicts)
    rows, cols, _ = _sparse_pairs(trainees, mentors, pairs[:, 0], pairs[:, 1])
    order = np.argsort(rows, kind="stable")
    return rows[order], cols[order]
