"""The quality report a round saves: of the proposals it wrote, not of the engine's answer.

The write drops what changed while the round ran (a mentor who stopped accepting or lowered their capacity, a
trainee who left or got an approved mentor meanwhile; `round_participants.proposals_still_allowed`). Mostly nothing
is dropped and the engine's report is the report. Otherwise it is computed again by `matching.quality` from the
pairs written, with what the engine knew that the pairs alone do not say: how many trainees had an acceptable
mentor with a place, and which matched trainees got one of their top-3 mentors. Arrays only, as `round_engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from matching.assignment import prefs_from_scores
from matching.quality import round_quality
from matching.scoring import Shortlist, score

if TYPE_CHECKING:
    from matching.features import Cohort
    from matching.services.round_engine import Outcome


def as_written(
    cohort: Cohort,
    outcome: Outcome,
    *,
    algorithm: str,
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
    rank = None
    if engine.get("top3_pct") is not None:
        top3 = round(engine["top3_pct"] * engine["matched"] / 100) - _top3(cohort, outcome, algorithm, dropped, offered)
        rank = np.where(_first(np.zeros(n, dtype=bool), count=top3, among=written), 1, 4)
    quality = round_quality(
        np.where(written, outcome.assignment, -1)[stay],
        np.where(written, outcome.scores, np.nan)[stay],
        np.minimum(offered, still_free),
        eligible=eligible[stay],
        assigned_rank=rank[stay] if rank is not None else None,
    ).to_dict()
    return {**quality, "blocking_pairs": None, "not_written": int(dropped.sum())}


def _first(flags: NDArray[np.bool_], *, count: int, among: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """`flags`, and as many more of the rows `among` as make `count` in all."""
    out = flags.copy()
    more = max(count - int(flags.sum()), 0)
    out[np.flatnonzero(among & ~flags)[:more]] = True
    return out


def _top3(
    cohort: Cohort, outcome: Outcome, algorithm: str, dropped: NDArray[np.bool_], offered: NDArray[np.int64]
) -> int:
    """How many of the dropped pairs gave the trainee one of their top-3 mentors, as the engine counts them: by
    score among the mentors with a place (optimal), or by place on the trainee's preference list (stable). Scores
    only the dropped trainees' rows: a handful."""
    rows = np.flatnonzero(dropped)
    if not len(rows):
        return 0
    open_cols = np.flatnonzero(offered > 0)
    mentors = cohort.mentors.take(open_cols)
    trainee_ids = cohort.trainees.ids[rows]
    listed = cohort.shortlist
    mine = np.isin(listed.trainee_ids, trainee_ids) & np.isin(listed.mentor_ids, mentors.ids)
    shortlist = Shortlist(listed.trainee_ids[mine], listed.mentor_ids[mine], listed.ranks[mine])
    conflicts = outcome.conflicts[np.isin(outcome.conflicts[:, 0], trainee_ids)]
    total = np.asarray(
        score(cohort.trainees.take(rows), mentors, cohort.weights, shortlist=shortlist, conflicts=conflicts).total,
        dtype=np.float32,
    )
    at = np.searchsorted(open_cols, outcome.assignment[rows])
    if algorithm == "stable":
        from matching.services.round_engine import PREF_LENGTH

        ranks: dict[int, list[int]] = {}
        ranked = shortlist.ranks > 0  # starred without a rank sets no order
        order = np.lexsort((shortlist.ranks[ranked], shortlist.trainee_ids[ranked]))
        for trainee, mentor in zip(
            shortlist.trainee_ids[ranked][order].tolist(), shortlist.mentor_ids[ranked][order].tolist(), strict=True
        ):
            ranks.setdefault(int(np.flatnonzero(trainee_ids == trainee)[0]), []).append(
                int(mentors.position_of([mentor])[0])
            )
        prefs, _ = prefs_from_scores(total, k=PREF_LENGTH, shortlist_ranks=ranks or None)
        return int((prefs[:, :3] == at[:, None]).any(axis=1).sum())
    mine_scores = total[np.arange(len(rows)), at]
    return int(((total > mine_scores[:, None]).sum(axis=1) < 3).sum())
