"""How much each part of the fit counts, as a program configures it (stored in the program's JSON field)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

#: The components of a score, in the order the UI lists them.
COMPONENTS: tuple[str, ...] = (
    "specialty",
    "career_stage",
    "focus_areas",
    "language",
    "time_zone",
    "meeting_format",
    "institution",
    "shortlist",
)

INSTITUTION_RULES: tuple[str, ...] = ("plus", "minus", "neutral")

#: Career-stage fit falls by this much for each stage the gap is away from the ideal gap.
STAGE_STEP = 0.25

#: A weight counts 0 (left out) or from MIN_WEIGHT to MAX_WEIGHT. Weights are relative, so this range is plenty
#: (the smallest is 1/10,000 of the largest), and it keeps the float32 sums finite: scores are shared out as
#: 100 / (sum of the fit weights) × each weight, and a weight of 1e-40 made that factor overflow float32 (every
#: score NaN) while one of 1e308 overflowed the sums.
MIN_WEIGHT = 0.01
MAX_WEIGHT = 100


@dataclass(frozen=True)
class Weights:
    """Weights of the score components (each 0 or from MIN_WEIGHT to MAX_WEIGHT, at least one fit component
    above 0) plus the program's matching rules.

    `institution_rule`: "plus" rewards a mentor from the trainee's institution, "minus" rewards one from
    elsewhere, "neutral" drops the institution component from the score (its weight then counts as 0).
    `stage_gap_best`: how many career stages ahead of the trainee the ideal mentor is.
    `time_zone_cap_hours`: a hard rule; pairs further apart than this are excluded (None: no cap).
    """

    specialty: float = 3.0
    career_stage: float = 2.0
    focus_areas: float = 3.0
    language: float = 1.0
    time_zone: float = 1.0
    meeting_format: float = 1.0
    institution: float = 0.5
    shortlist: float = 2.0
    institution_rule: str = "neutral"
    stage_gap_best: int = 2
    time_zone_cap_hours: float | None = None

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"Weight {name!r} must be a number, got {value!r}.")
            if math.isnan(value) or math.isinf(value):
                raise ValueError(f"Weight {name!r} must be a finite number, got {value!r}.")
            if value < 0:
                raise ValueError(f"Weight {name!r} must not be negative, got {value!r}.")
            if value and not MIN_WEIGHT <= value <= MAX_WEIGHT:
                raise ValueError(
                    f"Weight {name!r} must be 0 (left out) or from {MIN_WEIGHT} to {MAX_WEIGHT}, got {value!r}."
                )
        if self.institution_rule not in INSTITUTION_RULES:
            raise ValueError(
                f"institution_rule must be one of {', '.join(INSTITUTION_RULES)}; got {self.institution_rule!r}."
            )
        if isinstance(self.stage_gap_best, bool) or not isinstance(self.stage_gap_best, int):
            raise ValueError(f"stage_gap_best must be a whole number of stages, got {self.stage_gap_best!r}.")
        if not 1 <= self.stage_gap_best <= 8:
            raise ValueError(f"stage_gap_best must be between 1 and 8 stages, got {self.stage_gap_best}.")
        cap = self.time_zone_cap_hours
        not_hours = isinstance(cap, bool) or not isinstance(cap, int | float) or math.isnan(cap) or cap < 0
        if cap is not None and not_hours:
            raise ValueError(f"time_zone_cap_hours must be a non-negative number of hours or None, got {cap!r}.")
        if not any(weight > 0 for name, weight in self.active().items() if name != "shortlist"):
            # The shortlist is a bonus on top of the fit: on its own it scores every pair 0, and a round would
            # propose arbitrary pairs.
            raise ValueError(
                "No fit component has a positive weight: the shortlist is only a bonus on top of the fit, and the "
                "institution weight does not count while its rule is 'neutral'. Give at least one other component "
                "a positive weight."
            )

    def active(self) -> dict[str, float]:
        """Weight per component as it counts in the score (institution is 0 under the neutral rule)."""
        weights = {name: float(getattr(self, name)) for name in COMPONENTS}
        if self.institution_rule == "neutral":
            weights["institution"] = 0.0
        return weights

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Weights:
        """Build from a program's stored JSON; missing keys take the defaults, unknown keys are an error."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"Unknown weight setting(s): {', '.join(unknown)}.")
        return cls(**data)
