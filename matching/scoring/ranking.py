"""Ranking all mentors for one trainee: the directory's order, from the same scores as a round."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .arrays import MentorFeatures, Shortlist, TraineeFeatures
from .compute import Context, ScoreResult
from .weights import Weights


@dataclass
class Ranking:
    order: NDArray[np.intp]  # mentor indices, best first
    result: ScoreResult  # 1 × M scores and exclusions, in the mentors' own order


def ranked(
    trainee: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    *,
    shortlist: Shortlist | None = None,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None = None,
    browsing: bool = True,
    include_excluded: bool = False,
) -> Ranking:
    """All mentors for one trainee (a 1-row TraineeFeatures), best first; ties go to the lower mentor id.

    Excluded mentors are left out, or listed last (by id) with `include_excluded`. `browsing` defaults to
    True here: a trainee browsing should not see mentors who are full or not accepting.
    """
    if len(trainee) != 1:
        raise ValueError(f"rank takes one trainee (a 1-row TraineeFeatures), got {len(trainee)} rows.")
    ctx = Context(trainee, mentors, weights, shortlist=shortlist, conflicts=conflicts, browsing=browsing)
    result = ctx.full(0, 1, with_components=False)
    total = result.total[0]
    order = np.lexsort((mentors.ids, -total))  # -(-inf) = +inf sorts excluded mentors last
    if not include_excluded:
        order = order[: int(np.isfinite(total).sum())]
    return Ranking(order.astype(np.intp), result)


def rank(
    trainee: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    *,
    shortlist: Shortlist | None = None,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None = None,
    browsing: bool = True,
    include_excluded: bool = False,
) -> NDArray[np.intp]:
    """Mentor indices for one trainee, best first (see `ranked`, which also returns the scores)."""
    return ranked(
        trainee,
        mentors,
        weights,
        shortlist=shortlist,
        conflicts=conflicts,
        browsing=browsing,
        include_excluded=include_excluded,
    ).order
