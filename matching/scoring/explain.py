"""Plain-English explanations of one pair's score: its parts (component, value, weight, points, reason), what lowered
it, and the hard rules that exclude it. The sentences themselves are in `wording`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .arrays import MentorFeatures, Shortlist, TraineeFeatures
from .compute import Context
from .rules import RULES
from .weights import COMPONENTS, Weights
from .wording import Names, exclusion_reason, lower_first, reasons_for

#: What a trainee reads first on a mentor card.
SUMMARY_ORDER = (
    "shortlist",
    "specialty",
    "focus_areas",
    "language",
    "time_zone",
    "career_stage",
    "meeting_format",
    "institution",
)
#: A component that cost a pair at least this many of the 100 points lowered its score: it is marked and named
#: among what lowered it, and never offered as a reason that fits (less is rounding, not a reason).
LOWERED_POINTS = 0.5


@dataclass(frozen=True)
class Part:
    component: str
    value: float  # 0..1
    weight: float
    points: float  # share of the 100 this component contributed
    reason: str


@dataclass(frozen=True)
class Exclusion:
    rule: str
    reason: str


@dataclass(frozen=True)
class Explanation:
    score: float | None  # None when the pair is excluded
    parts: list[Part]
    exclusions: list[Exclusion]
    lowered_by: list[str]  # every component that cost at least LOWERED_POINTS, worst first (a card names three)

    def summary(self, max_parts: int = 4) -> str:
        """One line of the strongest reasons, partial fits included (`fits` leaves those out), or why the mentor
        is not available: what a match snapshots and the API's `reasons`."""
        if self.exclusions:
            return "Not available: " + "; ".join(lower_first(e.reason, i > 0) for i, e in enumerate(self.exclusions))
        by_name = {p.component: p for p in self.parts if p.value > 0}
        shown = [by_name[c] for c in SUMMARY_ORDER if c in by_name][:max_parts]
        return " · ".join(lower_first(p.reason, i > 0) for i, p in enumerate(shown))

    def fits(self, max_parts: int = 4) -> list[str]:
        """The strongest reasons that cost no points, as written (a "Fits:" line): the summary lists a partial
        fit such as "10 h 30 min apart" too, which read as one more reason to choose the mentor. Every component
        in `lowered_by` is left out, not only the worst few a card names."""
        if self.exclusions:
            return []
        lowered = set(self.lowered_by)
        by_name = {p.component: p for p in self.parts if p.value > 0 and p.component not in lowered}
        return [by_name[c].reason for c in SUMMARY_ORDER if c in by_name][:max_parts]

    def why_lower(self) -> str:
        by_name = {p.component: p for p in self.parts}
        return "; ".join(by_name[c].reason for c in self.lowered_by)


def explain(
    trainees: TraineeFeatures,
    i: int,
    mentors: MentorFeatures,
    j: int,
    weights: Weights,
    *,
    shortlist: Shortlist | None = None,
    conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None = None,
    browsing: bool = False,
    names: Names | None = None,
) -> Explanation:
    """Why trainee row `i` and mentor row `j` score what they do (same numbers as `score`)."""
    t, m = trainees.take([i]), mentors.take([j])
    ctx = Context(t, m, weights, shortlist=shortlist, conflicts=conflicts, browsing=browsing)
    result = ctx.full(0, 1, with_components=True)
    assert result.components is not None
    rank = int(ctx.sl_ranks[0]) if len(ctx.sl_ranks) else None
    reasons = reasons_for(t, 0, m, 0, weights, names or Names(), rank)
    values = {name: float(result.components[name][0, 0]) for name in COMPONENTS}
    fit = sum(float(ctx.norm[0]) * ctx.w[name] * values[name] for name in COMPONENTS if name != "shortlist")
    with_bonus = ctx.with_shortlist(np.array([fit], dtype=np.float32), np.array([values["shortlist"]], np.float32))
    bits = int(result.excluded[0, 0])
    exclusions = [Exclusion(str(rule.name), exclusion_reason(rule, t, m, weights)) for rule in RULES if bits & rule]
    total = float(result.total[0, 0])
    return _assemble(ctx.w, values, float(with_bonus[0]), None if exclusions else total, reasons, exclusions)


def _assemble(
    w: Mapping[str, float],
    values: Mapping[str, float],
    with_bonus: float,
    total: float | None,
    reasons: Mapping[str, str],
    exclusions: list[Exclusion],
) -> Explanation:
    """The parts of a pair's explanation from its component values (0–1) and the fit plus shortlist bonus."""
    base = sum(weight for name, weight in w.items() if name != "shortlist" and weight > 0)
    norm = 100.0 / base if base > 0 else 0.0
    parts, lost, fit = [], {}, 0.0
    for name in COMPONENTS:
        weight = w[name]
        if weight <= 0 or name == "shortlist":
            continue
        value = values[name]
        parts.append(Part(name, round(value, 4), weight, round(norm * weight * value, 2), reasons[name]))
        lost[name] = norm * weight * (1.0 - value)
        fit += norm * weight * value
    value = values["shortlist"]
    if w["shortlist"] > 0 and value > 0:  # a bonus on a starred mentor's score only; "0 of 15" elsewhere confused
        parts.append(
            Part("shortlist", round(value, 4), w["shortlist"], round(with_bonus - fit, 2), reasons["shortlist"])
        )
    lowered = [c for c, v in sorted(lost.items(), key=lambda kv: -kv[1]) if v >= LOWERED_POINTS]
    return Explanation(None if total is None else round(total, 2), parts, exclusions, lowered)


def explain_scored(
    trainees: TraineeFeatures,
    rows: Sequence[int] | NDArray[np.intp],
    mentors: MentorFeatures,
    cols: Sequence[int] | NDArray[np.intp],
    weights: Weights,
    *,
    values: Mapping[str, NDArray[np.float64]],
    totals: NDArray[np.float64],
    shortlist_ranks: Sequence[int | None],
    names: Names | None = None,
) -> list[Explanation]:
    """`explain` for pairs already scored together (a round's proposals: `score` with components, in blocks):
    pair k is trainee row `rows[k]` with mentor row `cols[k]`, `values[name][k]` its component values,
    `totals[k]` its score, `shortlist_ranks[k]` the trainee's rank of that mentor (0 starred, None not listed).

    The same parts, reasons and summary as `explain`, without scoring each pair again (`explain` builds a whole
    scoring context per pair: some 2 ms, 40 s for a 20,000-trainee round; this words a pair in about 0.1 ms).
    The pairs are assigned ones, so no hard rule excludes them."""
    w, names = weights.active(), names or Names()
    columns = {name: np.asarray(values[name], dtype=np.float64).tolist() for name in COMPONENTS}  # Python floats
    scores = np.asarray(totals, dtype=np.float64).tolist()
    explanations = []
    for k, (i, j) in enumerate(zip(np.asarray(rows).tolist(), np.asarray(cols).tolist(), strict=True)):
        reasons = reasons_for(trainees, i, mentors, j, weights, names, shortlist_ranks[k])
        pair = {name: columns[name][k] for name in COMPONENTS}
        explanations.append(_assemble(w, pair, scores[k], scores[k], reasons, []))
    return explanations
