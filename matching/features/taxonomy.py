"""The taxonomy index spaces shared by both sides of the engine: specialty, focus-area and language columns.

A column is the position of a taxonomy row when the rows are sorted by primary key, so the same column means the
same specialty for mentors and trainees, and adding a row (a new id is always larger) never moves the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from profiles.models import CareerStage, FocusArea, Language, Specialty

#: Career stage number → its name without the parenthesised detail ("Early-career attending", not "… (< 5 years)").
STAGE_NAMES: tuple[str, ...] = tuple(label.split(" (")[0] for _, label in sorted(CareerStage.choices))


@dataclass(frozen=True)
class Taxonomy:
    specialty_ids: NDArray[np.int64]
    specialty_names: tuple[str, ...]
    family_column: NDArray[np.intp]  # specialty column → column of its top-level family (itself for a core one)
    focus_ids: NDArray[np.int64]
    focus_names: tuple[str, ...]
    language_ids: NDArray[np.int64]
    language_names: tuple[str, ...]
    _lookup: dict[str, NDArray[np.intp]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def widths(self) -> tuple[int, int, int]:
        return len(self.specialty_ids), len(self.focus_ids), len(self.language_ids)

    def columns(self, kind: str, ids: NDArray[np.int64]) -> NDArray[np.intp]:
        """Column of each database id of `kind` ("specialty", "focus", "language"); -1 for an unknown id."""
        table = self._lookup.get(kind)
        if table is None:
            known = {"specialty": self.specialty_ids, "focus": self.focus_ids, "language": self.language_ids}[kind]
            table = np.full(int(known.max(initial=0)) + 1, -1, dtype=np.intp)
            table[known] = np.arange(len(known), dtype=np.intp)
            self._lookup[kind] = table
        ids = np.asarray(ids, dtype=np.int64)
        inside = (ids >= 0) & (ids < len(table))
        return np.where(inside, table[np.where(inside, ids, 0)], -1)

    def names(self) -> dict[str, tuple[str, ...]]:
        """Column → name for each index space, and career stage → its name (what the engine's explanations print)."""
        return {
            "specialties": self.specialty_names,
            "focus_areas": self.focus_names,
            "languages": self.language_names,
            "stages": STAGE_NAMES,
        }


def taxonomy_load() -> Taxonomy:
    """Three queries, one per taxonomy table."""
    specialties = list(Specialty.objects.order_by("pk").values_list("pk", "parent_id", "name"))
    focus = list(FocusArea.objects.order_by("pk").values_list("pk", "name"))
    languages = list(Language.objects.order_by("pk").values_list("pk", "name"))
    specialty_ids = np.array([s[0] for s in specialties], dtype=np.int64)
    column_of = {pk: i for i, pk in enumerate(specialty_ids.tolist())}
    family = np.array([column_of.get(parent, i) if parent else i for i, (_, parent, _) in enumerate(specialties)])
    return Taxonomy(
        specialty_ids=specialty_ids,
        specialty_names=tuple(s[2] for s in specialties),
        family_column=family.astype(np.intp),
        focus_ids=np.array([f[0] for f in focus], dtype=np.int64),
        focus_names=tuple(f[1] for f in focus),
        language_ids=np.array([lang[0] for lang in languages], dtype=np.int64),
        language_names=tuple(lang[1] for lang in languages),
    )
