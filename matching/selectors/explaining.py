"""Adapter between the engine's score breakdown and what the pages and the API show.

The engine computes every number (`score(..., with_components=True)`); this module only puts them into words
for one trainee and a handful of mentors (a page of cards, one mentor page, a request's snapshot). No Django
import: it takes the arrays and the taxonomy names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.scoring import COMPONENTS, FORMAT_NAMES, MentorFeatures, Rule, Shortlist, TraineeFeatures, Weights, score
from matching.scoring.rules import tz_minutes_apart

LABELS: dict[str, str] = {
    "specialty": "Specialty",
    "career_stage": "Career stage",
    "focus_areas": "Focus areas",
    "language": "Shared language",
    "time_zone": "Time zone",
    "meeting_format": "Meeting format",
    "institution": "Institution",
    "shortlist": "Your shortlist",
}

#: Pair rules in the order a person reads them, with their stable API codes.
RULE_CODES: dict[Rule, str] = {
    Rule.NO_SHARED_LANGUAGE: "no_shared_language",
    Rule.MENTOR_NOT_AHEAD: "mentor_not_ahead",
    Rule.ASSESSES_TRAINEE: "mentor_assesses_trainee",
    Rule.TIME_ZONE_CAP: "time_zone_too_far",
    Rule.NOT_ACCEPTING: "mentor_not_accepting",
    Rule.NO_FREE_PLACE: "mentor_at_capacity",
}
#: Rules about the pair itself (browsing-only rules — accepting, free place — are shown separately).
PAIR_RULES = Rule.NO_SHARED_LANGUAGE | Rule.MENTOR_NOT_AHEAD | Rule.ASSESSES_TRAINEE | Rule.TIME_ZONE_CAP


def rule_message(rule: Rule, weights: Weights) -> str:
    if rule == Rule.TIME_ZONE_CAP:
        return f"You are more than {weights.time_zone_cap_hours or 0:g} hours apart (the program's limit)."
    return {
        Rule.NO_SHARED_LANGUAGE: "You share no language with this mentor.",
        Rule.MENTOR_NOT_AHEAD: "This mentor is not further along in their career than you.",
        Rule.ASSESSES_TRAINEE: "This mentor assesses or supervises you, so you cannot be matched with them.",
        Rule.NOT_ACCEPTING: "This mentor is not accepting new mentees.",
        Rule.NO_FREE_PLACE: "This mentor has no free place.",
    }[rule]


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    value: float  # 0–1
    weight: float
    points: float  # share of the 0–100 score
    max_points: float
    reason: str

    @property
    def lowered(self) -> bool:
        """Lost at least a quarter of what this component could give."""
        return self.max_points > 0 and self.points < 0.75 * self.max_points


@dataclass(frozen=True)
class Explanation:
    mentor_id: int
    score: float | None  # None when excluded
    lines: tuple[Line, ...]
    rules: tuple[str, ...]  # codes of the pair rules that exclude it
    rule_messages: tuple[str, ...]

    @property
    def excluded(self) -> bool:
        return bool(self.rules)

    def summary(self, limit: int = 3) -> list[str]:
        """The strongest reasons, in words, best first."""
        good = sorted((line for line in self.lines if line.points > 0 and not line.lowered), key=lambda x: -x.points)
        return [line.reason for line in good[:limit]]

    def lowered_by(self) -> list[str]:
        return [line.reason for line in self.lines if line.lowered]

    def snapshot(self) -> dict[str, Any]:
        """What a match stores so a later profile edit never rewrites why it was made."""
        return {
            "score": self.score,
            "components": [asdict(line) for line in self.lines],
            "excluded": list(self.rules),
        }


def _names(mask: NDArray[np.bool_], names: tuple[str, ...]) -> list[str]:
    return [names[i] for i in np.flatnonzero(mask) if i < len(names)]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _reason(
    name: str, value: float, t: TraineeFeatures, m: MentorFeatures, j: int, w: Weights, names: dict[str, Any]
) -> str:
    """Component `name` of trainee row 0 and mentor row `j`, in words."""
    if name == "specialty":
        same = _names(t.interests[0] & m.specialties[j], names["specialties"])
        if same:
            return f"Same specialty ({_join(same)})"
        family = _names(t.interest_families[0] & m.families[j], names["specialties"])
        return f"Same specialty family ({_join(family)})" if family else "A specialty other than yours"
    if name == "career_stage":
        gap = int(m.stage[j]) - int(t.stage[0])
        if gap <= 0:
            return "Not further along than you"
        ideal = "the ideal gap" if gap == w.stage_gap_best else f"ideal is {w.stage_gap_best}"
        return f"{gap} career stage{'s' if gap != 1 else ''} ahead of you ({ideal})"
    if name == "focus_areas":
        sought = int(t.focus[0].sum())
        covered = _names(t.focus[0] & m.focus[j], names["focus_areas"])
        if not sought:
            return "You chose no focus areas"
        if not covered:
            return "Covers none of your focus areas"
        if len(covered) == sought:
            return (
                f"Covers {'your focus area' if sought == 1 else f'all {sought} of your focus areas'} ({_join(covered)})"
            )
        return f"Covers {len(covered)} of your {sought} focus areas ({_join(covered)})"
    if name == "language":
        shared = _names(t.languages[0] & m.languages[j], names["languages"])
        return f"Speaks {_join(shared)}" if shared else "No shared language"
    if name == "time_zone":
        minutes = int(tz_minutes_apart(t.tz_offset_minutes[:1], m.tz_offset_minutes[j : j + 1])[0])
        return "Same time zone" if minutes == 0 else f"{minutes / 60:g} h apart"
    if name == "meeting_format":
        shared = [label for bit, label in FORMAT_NAMES.items() if int(t.formats[0]) & int(m.formats[j]) & bit]
        if not int(t.formats[0]):
            return "You have no format preference"
        return f"Meets by {_join(shared)}" if shared else "Offers none of your meeting formats"
    if name == "institution":
        if int(t.institution[0]) < 0 or int(m.institution[j]) < 0:
            return "Institution unknown"
        if int(t.institution[0]) == int(m.institution[j]):
            return "Same institution as you"
        return "A different institution from yours"
    if name == "shortlist":
        return "On your shortlist" if value > 0 else "Not on your shortlist"
    return LABELS.get(name, name)


def explain_pairs(
    trainee: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    names: dict[str, Any],
    *,
    shortlist: Shortlist | None = None,
    conflicts: NDArray[np.int64] | None = None,
) -> list[Explanation]:
    """One explanation per mentor row for a 1-row `trainee` (the same numbers the ranking used)."""
    if len(mentors) == 0:
        return []
    result = score(trainee, mentors, weights, shortlist=shortlist, conflicts=conflicts, with_components=True)
    components = result.components or {}
    active = weights.active()
    uses_shortlist = shortlist is not None and bool(np.isin(trainee.ids[0], shortlist.trainee_ids))
    base = sum(v for k, v in active.items() if k != "shortlist")
    norm = 100.0 / (base + (active["shortlist"] if uses_shortlist else 0.0) or 1.0)
    explanations = []
    for j in range(len(mentors)):
        lines = []
        for name in COMPONENTS:
            weight = active[name]
            if weight <= 0 or (name == "shortlist" and not uses_shortlist):
                continue
            value = float(components[name][0, j])
            lines.append(
                Line(
                    name=name,
                    label=LABELS[name],
                    value=round(value, 3),
                    weight=weight,
                    points=round(value * weight * norm, 1),
                    max_points=round(weight * norm, 1),
                    reason=_reason(name, value, trainee, mentors, j, weights, names),
                )
            )
        bits = Rule(int(result.excluded[0, j]))
        rules = [rule for rule in RULE_CODES if rule in bits]
        total = float(result.total[0, j])
        explanations.append(
            Explanation(
                mentor_id=int(mentors.ids[j]),
                score=round(total, 1) if np.isfinite(total) else None,
                lines=tuple(lines),
                rules=tuple(RULE_CODES[r] for r in rules),
                rule_messages=tuple(rule_message(r, weights) for r in rules),
            )
        )
    return explanations
