"""The engine's entry points for scores: every trainee against every mentor (1 × M to rank for one trainee, N × M
for a cohort), at once or one block of trainee rows at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .arrays import MentorFeatures, Shortlist, TraineeFeatures
from .compute import Context, ScoreResult, default_block_rows
from .weights import COMPONENTS, Weights


def score(
    trainees: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    *,
    shortlist: Shortlist | None = None,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None = None,
    browsing: bool = False,
    with_components: bool = False,
) -> ScoreResult:
    """Score every trainee against every mentor (1 × M to rank for one trainee, N × M for a cohort).

    `conflicts`: (trainee_id, mentor_id) database ids of pairs where the mentor assesses or supervises the
    trainee. `browsing=True` also excludes mentors who are not accepting or have no free place.
    """
    ctx = Context(trainees, mentors, weights, shortlist=shortlist, conflicts=conflicts, browsing=browsing)
    n, m = ctx.shape
    step = default_block_rows(m)
    if n <= step:
        return ctx.full(0, n, with_components)
    parts = [ctx.full(r0, min(n, r0 + step), with_components) for r0 in range(0, n, step)]
    components = None
    if with_components:
        components = {name: np.vstack([p.components[name] for p in parts if p.components]) for name in COMPONENTS}
    return ScoreResult(
        total=np.vstack([p.total for p in parts]),
        excluded=np.vstack([p.excluded for p in parts]),
        components=components,
    )


def score_blocks(
    trainees: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    *,
    shortlist: Shortlist | None = None,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None = None,
    browsing: bool = False,
    with_components: bool = False,
    block_rows: int | None = None,
) -> Iterator[tuple[slice, ScoreResult]]:
    """Like `score`, one block of trainee rows at a time, so the whole N × M never sits in memory."""
    ctx = Context(trainees, mentors, weights, shortlist=shortlist, conflicts=conflicts, browsing=browsing)
    n, m = ctx.shape
    if block_rows is not None and block_rows < 1:
        raise ValueError("block_rows must be at least 1.")
    step = block_rows or default_block_rows(m)
    for r0 in range(0, n, step):
        r1 = min(n, r0 + step)
        yield slice(r0, r1), ctx.full(r0, r1, with_components)
