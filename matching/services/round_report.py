"""The quality report a round saves: of the proposals it wrote, not of the engine's answer.

The write drops what changed while the round ran (a mentor who stopped accepting or lowered their capacity, a
trainee who left or got an approved mentor meanwhile; `round_participants.proposals_still_allowed`). Mostly nothing
is dropped and the engine's report is the report. Otherwise it is computed again by `matching.quality` from the
pairs written, with what the engine knew that the pairs alone do not say: how many trainees had an acceptable
mentor with a place, and where each assigned mentor stood in the trainee's own order (the top-3 share). Arrays
only, as `round_engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from matching.quality import round_quality

if TYPE_CHECKING:
    from matching.services.round_engine import Outcome


def as_written(
    outcome: Outcome,
    *,
    offered: NDArray[np.int64],
    still_free: NDArray[np.int64],
    written_rows: NDArray[np.intp],
    gone_rows: NDArray[np.intp],
) -> dict[str, Any]:
    """The report of the pairs written: `written_rows`, the cohort rows whose proposal was written; `gone_rows`,
    rows whose trainee no longer takes part (left out of the report as of the proposals); `offered[j]` and
    `still_free[j]`, mentor j's places when the round loaded and as the write found them.

    `not_written` counts the engine's pairs the write dropped. The blocking-pairs count is the engine's
    assignment's; once pairs were dropped it would no longer be this one's, so it is left out (None)."""
    n = len(outcome.assignment)
    matched = outcome.assignment >= 0
    written = np.zeros(n, dtype=bool)
    written[written_rows] = True
    dropped = matched & ~written
    if not dropped.any():
        return {**outcome.quality, "not_written": 0}
    engine = outcome.quality
    stay = np.ones(n, dtype=bool)
    stay[gone_rows] = False
    # round_quality counts these flags and nothing more, so the engine's counts make its figures exact: every
    # trainee it matched could be matched, and `could_match` says how many of the others could.
    eligible = _first(matched, count=int(engine["could_match"]), among=~matched)
    quality = round_quality(
        np.where(written, outcome.assignment, -1)[stay],
        np.where(written, outcome.scores, np.nan)[stay],
        np.minimum(offered, still_free),
        eligible=eligible[stay],
        assigned_rank=np.where(written, outcome.ranks, 0)[stay],
    ).to_dict()
    return {**quality, "blocking_pairs": None, "not_written": int(dropped.sum())}


def _first(flags: NDArray[np.bool_], *, count: int, among: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """`flags`, and as many more of the rows `among` as make `count` in all."""
    out = flags.copy()
    more = max(count - int(flags.sum()), 0)
    out[np.flatnonzero(among & ~flags)[:more]] = True
    return out
