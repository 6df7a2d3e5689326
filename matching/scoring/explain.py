"""Plain-English explanations of one pair's score, and ranking all mentors for one trainee."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .arrays import FORMAT_NAMES, MentorFeatures, Shortlist, TraineeFeatures
from .compute import Context, ScoreResult
from .rules import RULES, Rule, tz_minutes_apart
from .weights import COMPONENTS, Weights

Lookup = Mapping[int, str] | Sequence[str]
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
class Names:
    """Optional names for taxonomy indexes, so reasons can say "Cardiology" instead of "your interest"."""

    specialties: Lookup = field(default_factory=dict)
    focus_areas: Lookup = field(default_factory=dict)
    languages: Lookup = field(default_factory=dict)
    institutions: Lookup = field(default_factory=dict)
    stages: Lookup = field(default_factory=dict)  # career stage number → "Fellow", "Senior attending", …

    @classmethod
    def of_columns(cls, names: Mapping[str, Lookup]) -> Names:
        """From column → name tables keyed "specialties", "focus_areas", "languages" and "stages" (as
        `Taxonomy.names()`)."""
        return cls(
            specialties=names.get("specialties", ()),
            focus_areas=names.get("focus_areas", ()),
            languages=names.get("languages", ()),
            stages=names.get("stages", ()),
        )


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
            return "Not available: " + "; ".join(_lower_first(e.reason, i > 0) for i, e in enumerate(self.exclusions))
        by_name = {p.component: p for p in self.parts if p.value > 0}
        shown = [by_name[c] for c in SUMMARY_ORDER if c in by_name][:max_parts]
        return " · ".join(_lower_first(p.reason, i > 0) for i, p in enumerate(shown))

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


def _lower_first(text: str, lower: bool) -> str:
    return text[:1].lower() + text[1:] if lower and text[:2] != text[:2].upper() else text


def _name(lookup: Lookup | None, index: int) -> str | None:
    try:
        return None if lookup is None else str(lookup[index])
    except (KeyError, IndexError, TypeError):
        return None


def _listing(lookup: Lookup | None, indexes: Iterable[int], last: str = "and") -> str | None:
    names = [n for n in (_name(lookup, int(i)) for i in indexes) if n]
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {last} " + names[-1]


def _hours(minutes: int) -> str:
    if minutes == 0:
        return "Same time zone"
    h, m = divmod(int(minutes), 60)
    if not h:
        return f"{m} min apart"  # not "0 h 30 min apart"
    return f"{h} h {m} min apart" if m else f"{h} h apart"


def _stages(count: int) -> str:
    return f"{count} stage" if count == 1 else f"{count} stages"


def _stage_reason(trainee_stage: int, mentor_stage: int, best_gap: int, names: Names) -> str:
    """Says where the mentor is ("Fellow") and what the program looks for, not a bare "6 stages ahead; 2 is ideal",
    which a student could not read: the stages are the program's ladder from student to senior attending."""
    gap = mentor_stage - trainee_stage
    if gap <= 0:
        return "Mentor is not ahead of you in training"
    who = _name(names.stages, mentor_stage)
    said = f"{who}, {_stages(gap)} ahead of you" if who else f"Mentor is {_stages(gap)} ahead of you"
    if gap == best_gap:
        return f"{said}, as your program prefers"
    return f"{said}; your program prefers mentors {_stages(best_gap)} ahead"


def _reasons(
    t: TraineeFeatures, i: int, m: MentorFeatures, j: int, w: Weights, names: Names, rank: int | None
) -> dict[str, str]:
    """Each component's reason for trainee row `i` and mentor row `j` (rows of any size of arrays: a round words
    thousands of pairs without copying a row out for each)."""
    reasons: dict[str, str] = {}
    same = np.flatnonzero(t.interests[i] & m.specialties[j])
    family = np.flatnonzero(t.interest_families[i] & m.families[j])
    if len(same):
        listed = _listing(names.specialties, same)
        reasons["specialty"] = f"Same specialty ({listed})" if listed else "Same specialty as your interest"
    elif len(family):
        listed = _listing(names.specialties, family)
        reasons["specialty"] = f"Related specialty (both in {listed})" if listed else "Related specialty (same field)"
    elif not t.interests[i].any():
        reasons["specialty"] = "You have not picked a specialty interest yet"
    else:
        reasons["specialty"] = "Different specialty from your interests"
    reasons["career_stage"] = _stage_reason(int(t.stage[i]), int(m.stage[j]), w.stage_gap_best, names)
    sought, covered = int(t.focus[i].sum()), np.flatnonzero(t.focus[i] & m.focus[j])
    if sought == 0:
        reasons["focus_areas"] = "You did not pick focus areas, so any mentor fits"
    elif not len(covered):
        reasons["focus_areas"] = "No shared focus areas"
    else:
        listed = _listing(names.focus_areas, covered)
        if len(covered) == sought:
            share = {1: "your focus area", 2: "both of your focus areas"}.get(
                sought, f"all {sought} of your focus areas"
            )
        else:
            share = f"{len(covered)} of your {sought} focus areas"
        reasons["focus_areas"] = f"Covers {share}" + (f" ({listed})" if listed else "")
        # What is missing is what lowered the score: name it, or the covered ones read as the cause.
        missing = _listing(names.focus_areas, np.flatnonzero(t.focus[i] & ~m.focus[j]), last="or")
        if len(covered) < sought and missing:
            reasons["focus_areas"] += f", not {missing}"
    shared = np.flatnonzero(t.languages[i] & m.languages[j])
    listed = _listing(names.languages, shared)
    reasons["language"] = (
        (f"Speaks {listed}" if listed else "Speaks a language you speak") if len(shared) else ("No language in common")
    )
    reasons["time_zone"] = _hours(int(tz_minutes_apart(t.tz_offset_minutes[i], m.tz_offset_minutes[j])))
    wanted, offered = int(t.formats[i]), int(m.formats[j])
    hit = [FORMAT_NAMES[b] for b in (1, 2, 4) if wanted & offered & b]
    n_wanted = sum(1 for b in (1, 2, 4) if wanted & b)
    if wanted == 0:
        reasons["meeting_format"] = "You have no meeting-format preference"
    elif len(hit) == n_wanted:
        reasons["meeting_format"] = f"Meets the way you prefer ({', '.join(hit)})"
    elif hit:
        not_offered = " or ".join(FORMAT_NAMES[b] for b in (1, 2, 4) if wanted & ~offered & b)
        reasons["meeting_format"] = (
            f"Offers {len(hit)} of your {n_wanted} preferred meeting formats ({', '.join(hit)}), not {not_offered}"
        )
    else:
        missing = ", ".join(FORMAT_NAMES[b] for b in (1, 2, 4) if wanted & b)
        reasons["meeting_format"] = f"Does not offer your preferred meeting format ({missing})"
    ti, mi = int(t.institution[i]), int(m.institution[j])
    place = _name(names.institutions, mi)
    if ti < 0 or mi < 0:
        reasons["institution"] = "Institution not known"
    elif ti == mi:
        reasons["institution"] = (f"Same institution ({place})" if place else "Same institution") + (
            "; this program prefers mentors from elsewhere" if w.institution_rule == "minus" else ""
        )
    else:
        reasons["institution"] = "From another institution" + (
            ", as this program prefers" if w.institution_rule == "minus" else ""
        )
    if rank is None:
        reasons["shortlist"] = "Not on your shortlist"
    elif rank == 0:
        reasons["shortlist"] = "Starred by you"
    else:
        reasons["shortlist"] = f"Your #{rank} choice"
    return reasons


def _exclusion_reason(rule: Rule, t: TraineeFeatures, m: MentorFeatures, w: Weights) -> str:
    if rule is Rule.TIME_ZONE_CAP:
        apart = _hours(int(tz_minutes_apart(t.tz_offset_minutes, m.tz_offset_minutes)[0]))
        return f"{apart}; this program allows at most {w.time_zone_cap_hours:g} h"
    return {
        Rule.NO_SHARED_LANGUAGE: "No language in common",
        Rule.MENTOR_NOT_AHEAD: "Mentor is not ahead of you in training",
        Rule.ASSESSES_TRAINEE: "Mentor assesses or supervises you, so cannot also be your mentor",
        Rule.NOT_ACCEPTING: "Mentor is not taking new mentees right now",
        Rule.NO_FREE_PLACE: "Mentor has no free places",
    }[rule]


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
    reasons = _reasons(t, 0, m, 0, weights, names or Names(), rank)
    values = {name: float(result.components[name][0, 0]) for name in COMPONENTS}
    fit = sum(float(ctx.norm[0]) * ctx.w[name] * values[name] for name in COMPONENTS if name != "shortlist")
    with_bonus = ctx.with_shortlist(np.array([fit], dtype=np.float32), np.array([values["shortlist"]], np.float32))
    bits = int(result.excluded[0, 0])
    exclusions = [Exclusion(str(rule.name), _exclusion_reason(rule, t, m, weights)) for rule in RULES if bits & rule]
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
        reasons = _reasons(trainees, i, mentors, j, weights, names, shortlist_ranks[k])
        pair = {name: columns[name][k] for name in COMPONENTS}
        explanations.append(_assemble(w, pair, scores[k], scores[k], reasons, []))
    return explanations


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
