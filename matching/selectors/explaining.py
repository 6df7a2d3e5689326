"""Adapter between the engine's explanations (`matching.scoring.explain`) and what the pages and the API show.

The engine computes every number and writes every reason; this module adds what a page needs on top (labels,
each component's maximum points, stable codes for the rules) for one trainee and a handful of mentors (a page
of cards, one mentor page, a request's snapshot). No Django import.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.scoring import MentorFeatures, Names, Rule, Shortlist, TraineeFeatures, Weights, explain

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

#: The engine's rules with their stable API codes (what a refused request answers with).
RULE_CODES: dict[Rule, str] = {
    Rule.NO_SHARED_LANGUAGE: "no_shared_language",
    Rule.MENTOR_NOT_AHEAD: "mentor_not_ahead",
    Rule.ASSESSES_TRAINEE: "mentor_assesses_trainee",
    Rule.TIME_ZONE_CAP: "time_zone_too_far",
    Rule.NOT_ACCEPTING: "mentor_not_accepting",
    Rule.NO_FREE_PLACE: "mentor_at_capacity",
}


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    value: float  # 0–1
    weight: float
    points: float  # share of the 0–100 score
    max_points: float
    reason: str
    lowered: bool  # cost this pair at least the engine's LOWERED_POINTS: every such row is marked


@dataclass(frozen=True)
class Explanation:
    mentor_id: int
    score: float | None  # None when excluded
    lines: tuple[Line, ...]
    rules: tuple[str, ...]  # codes of the rules that exclude the pair
    rule_messages: tuple[str, ...]
    summary_line: str  # the engine's one-line summary (partial fits among them: what a match snapshots)
    fit_reasons: tuple[str, ...] = ()  # the strongest reasons that cost no points (the engine's `fits`)
    lowered_reasons: tuple[str, ...] = ()  # every reason that cost points, worst first

    @property
    def excluded(self) -> bool:
        return bool(self.rules)

    @property
    def profile_may_help(self) -> bool:
        """A rule the trainee's own profile trips (languages, career stage, time zone), unlike an assessor."""
        return any(rule != RULE_CODES[Rule.ASSESSES_TRAINEE] for rule in self.rules)

    def summary(self) -> list[str]:
        """The engine's strongest reasons, one per item, best first."""
        return [part for part in self.summary_line.split(" · ") if part] if not self.excluded else []

    @property
    def fits_line(self) -> str:
        """The "Fits: …" line under the score on the mentor's page, in the same words as on their card."""
        return reason_line(list(self.fit_reasons))

    def lowered_by(self) -> list[str]:
        return list(self.lowered_reasons)

    def snapshot(self) -> dict[str, Any]:
        """What a match stores so a later profile edit never rewrites why it was made."""
        return {
            "score": self.score,
            "summary": self.summary_line,
            "components": [asdict(line) for line in self.lines],
            "excluded": list(self.rules),
        }


def reason_line(reasons: list[str]) -> str:
    """Reasons as one sentence-like line: the first capitalised, the rest as they read mid-sentence (names kept)."""
    said = [reasons[0][:1].upper() + reasons[0][1:]] if reasons else []
    said += [r if r[:2].isupper() else r[:1].lower() + r[1:] for r in reasons[1:]]
    return " · ".join(said)


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


#: Explanations already worked out in this process, keyed by a digest of everything they depend on (the two
#: feature rows, the weights, the pair's shortlist rank and conflict, the taxonomy names), so the same inputs
#: can never return a stale answer. Paging, re-filtering and the back button mostly show pairs seen before.
_MEMO: OrderedDict[bytes, Explanation] = OrderedDict()
_MEMO_SIZE = 20_000
_memo_lock = threading.Lock()


def memo_clear() -> None:
    with _memo_lock:
        _MEMO.clear()


def _row_bytes(features: Any, row: int) -> bytes:
    return b"".join(getattr(features, f.name)[row].tobytes() for f in fields(features))


def _pair_key(
    trainee_key: bytes,
    mentors: MentorFeatures,
    j: int,
    weights: Weights,
    shortlist: Shortlist | None,
    conflicts: NDArray[np.int64] | None,
    names_key: int,
) -> bytes:
    mentor_id = int(mentors.ids[j])
    trainee_id = int(np.frombuffer(trainee_key[:8], dtype=np.int64)[0])
    listed = b""
    if shortlist is not None and len(shortlist.ranks):
        mine = shortlist.trainee_ids == trainee_id
        listed = (
            b"S" + shortlist.ranks[mine & (shortlist.mentor_ids == mentor_id)].tobytes() + bytes([bool(mine.any())])
        )
    conflict = (
        conflicts is not None
        and len(conflicts)
        and bool(((conflicts[:, 0] == trainee_id) & (conflicts[:, 1] == mentor_id)).any())
    )
    digest = hashlib.blake2b(digest_size=20)
    for part in (trainee_key, _row_bytes(mentors, j), repr(weights).encode(), listed, bytes([bool(conflict)])):
        digest.update(part)
        digest.update(b"|")
    digest.update(names_key.to_bytes(8, "little", signed=True))
    return digest.digest()


def explain_pairs(
    trainee: TraineeFeatures,
    mentors: MentorFeatures,
    weights: Weights,
    names: dict[str, Any],
    *,
    shortlist: Shortlist | None = None,
    conflicts: NDArray[np.int64] | None = None,
) -> list[Explanation]:
    """One explanation per mentor row for a 1-row `trainee`, from the engine's `explain` (pair rules only:
    whether a mentor is full or accepting is shown separately, so a full mentor still shows why they fit)."""
    engine_names = Names.of_columns(names)
    trainee_key = _row_bytes(trainee, 0)
    names_key = hash(tuple(tuple(v) for v in names.values()))
    explanations = []
    for j in range(len(mentors)):
        key = _pair_key(trainee_key, mentors, j, weights, shortlist, conflicts, names_key)
        with _memo_lock:
            cached = _MEMO.get(key)
            if cached is not None:
                _MEMO.move_to_end(key)
        if cached is None:
            cached = _explain_one(trainee, mentors, j, weights, engine_names, shortlist, conflicts)
            with _memo_lock:
                _MEMO[key] = cached
                while len(_MEMO) > _MEMO_SIZE:
                    _MEMO.popitem(last=False)
        explanations.append(cached)
    return explanations


def _explain_one(
    trainee: TraineeFeatures,
    mentors: MentorFeatures,
    j: int,
    weights: Weights,
    names: Names,
    shortlist: Shortlist | None,
    conflicts: NDArray[np.int64] | None,
) -> Explanation:
    found = explain(trainee, 0, mentors, j, weights, shortlist=shortlist, conflicts=conflicts, names=names)
    # Each fit component's share of the 100 is weight × 100 / (sum of the fit weights); the shortlist is a bonus
    # on top worth at most weight × 100 / (sum of all the weights), the score staying within 100.
    fit_weights = sum(part.weight for part in found.parts if part.component != "shortlist")
    all_weights = sum(part.weight for part in found.parts)
    lowered = set(found.lowered_by)
    reasons = {part.component: part.reason for part in found.parts}
    lines = tuple(
        Line(
            name=part.component,
            label=LABELS.get(part.component, part.component),
            value=round(part.value, 3),
            weight=part.weight,
            points=round(part.points, 1),
            max_points=round(
                100.0 * part.weight / ((all_weights if part.component == "shortlist" else fit_weights) or 1.0), 1
            ),
            reason=part.reason,
            lowered=part.component in lowered,
        )
        for part in found.parts
    )
    return Explanation(
        mentor_id=int(mentors.ids[j]),
        score=None if found.score is None else round(found.score, 1),
        lines=lines,
        rules=tuple(RULE_CODES[Rule[exclusion.rule]] for exclusion in found.exclusions),
        rule_messages=tuple(_sentence(e.reason) for e in found.exclusions),
        summary_line=found.summary(),
        fit_reasons=tuple(found.fits()),
        lowered_reasons=tuple(reasons[name] for name in found.lowered_by),
    )
