"""Feature arrays: one row per person, built by `matching/features.py` from the profiles.

Set-valued features (specialties, focus areas, languages) are boolean matrices whose columns are indexes into
the taxonomy (the same column means the same specialty on both sides), so overlaps are matrix products.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Meeting formats as bits of `formats`.
IN_PERSON, VIDEO, PHONE = 1, 2, 4
FORMAT_NAMES: dict[int, str] = {IN_PERSON: "in person", VIDEO: "video", PHONE: "phone"}
MAX_STAGE = 8

_F = TypeVar("_F", bound="_Features")


def _vector(name: str, value: ArrayLike, dtype: Any, n: int | None) -> NDArray[Any]:
    array = np.asarray(value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    if n is not None and array.shape[0] != n:
        raise ValueError(f"{name} has {array.shape[0]} rows but ids has {n}.")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values.")
    target = np.dtype(dtype)
    if target.kind in "iu" and array.size:
        if array.dtype.kind == "f" and not np.array_equal(array, np.round(array)):
            raise ValueError(f"{name} must hold whole numbers.")
        limits = np.iinfo(target)
        if array.min() < limits.min or array.max() > limits.max:
            raise ValueError(f"{name} has values outside the range of {target} ({limits.min}..{limits.max}).")
    return np.ascontiguousarray(array, dtype=target)


def _matrix(name: str, value: ArrayLike, n: int, width: int | None = None) -> NDArray[np.bool_]:
    array = np.asarray(value)
    if array.ndim != 2 or array.shape[0] != n:
        raise ValueError(f"{name} must be a {n} × k boolean matrix (one row per person), got shape {array.shape}.")
    if width is not None and array.shape[1] != width:
        raise ValueError(f"{name} has {array.shape[1]} columns but must have {width} (same taxonomy index space).")
    return np.ascontiguousarray(array, dtype=bool)


@dataclass(eq=False)
class _Features:
    ids: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def take(self: _F, indices: ArrayLike) -> _F:
        """The rows at `indices`, as the same kind of features."""
        index = np.asarray(indices, dtype=np.intp).reshape(-1)
        return type(self)(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def position_of(self, ids: ArrayLike) -> NDArray[np.intp]:
        """Row index of each database id, -1 where the id is not among these rows."""
        wanted = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(self.ids) == 0:
            return np.full(len(wanted), -1, dtype=np.intp)
        order = np.argsort(self.ids, kind="stable")
        sorted_ids = self.ids[order]
        at = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
        return np.where(sorted_ids[at] == wanted, order[at], -1).astype(np.intp)


def _check_common(ids: NDArray[np.int64], stage: NDArray[Any], tz: NDArray[Any], formats: NDArray[Any]) -> None:
    if stage.size and (stage.min() < 0 or stage.max() > MAX_STAGE):
        raise ValueError(f"stage must be a career-stage ordinal between 0 and {MAX_STAGE}.")
    if formats.size and formats.max() > 7:
        raise ValueError("formats must be a bitset of 1 (in person), 2 (video) and 4 (phone).")
    if tz.size and (tz.min() < -14 * 60 or tz.max() > 14 * 60):
        raise ValueError("tz_offset_minutes must be a UTC offset between -14 h and +14 h, in minutes.")
    if len(np.unique(ids)) != len(ids):
        raise ValueError("ids must be unique.")


@dataclass(eq=False)
class MentorFeatures(_Features):
    """One row per mentor (length M)."""

    specialties: NDArray[np.bool_]  # M × S: specialty and sub-specialties
    families: NDArray[np.bool_]  # M × S: the top-level family of each of those, in the same index space
    stage: NDArray[np.int8]
    focus: NDArray[np.bool_]  # M × F: focus areas offered
    languages: NDArray[np.bool_]  # M × L
    tz_offset_minutes: NDArray[np.int32]
    formats: NDArray[np.uint8]
    institution: NDArray[np.int32]  # -1 unknown
    free_places: NDArray[np.int16]  # capacity − active matches
    accepting: NDArray[np.bool_]

    def __post_init__(self) -> None:
        self.ids = _vector("ids", self.ids, np.int64, None)
        m = len(self.ids)
        self.specialties = _matrix("specialties", self.specialties, m)
        self.families = _matrix("families", self.families, m, self.specialties.shape[1])
        self.stage = _vector("stage", self.stage, np.int8, m)
        self.focus = _matrix("focus", self.focus, m)
        self.languages = _matrix("languages", self.languages, m)
        self.tz_offset_minutes = _vector("tz_offset_minutes", self.tz_offset_minutes, np.int32, m)
        self.formats = _vector("formats", self.formats, np.uint8, m)
        self.institution = _vector("institution", self.institution, np.int32, m)
        self.free_places = _vector("free_places", self.free_places, np.int16, m)
        self.accepting = _vector("accepting", self.accepting, bool, m)
        _check_common(self.ids, self.stage, self.tz_offset_minutes, self.formats)


@dataclass(eq=False)
class TraineeFeatures(_Features):
    """One row per trainee (length N)."""

    interests: NDArray[np.bool_]  # N × S: specialties of interest
    interest_families: NDArray[np.bool_]  # N × S: their top-level families
    stage: NDArray[np.int8]
    focus: NDArray[np.bool_]  # N × F: focus areas sought
    languages: NDArray[np.bool_]  # N × L
    tz_offset_minutes: NDArray[np.int32]
    formats: NDArray[np.uint8]  # preferred formats; 0 = no preference
    institution: NDArray[np.int32]  # -1 unknown

    def __post_init__(self) -> None:
        self.ids = _vector("ids", self.ids, np.int64, None)
        n = len(self.ids)
        self.interests = _matrix("interests", self.interests, n)
        self.interest_families = _matrix("interest_families", self.interest_families, n, self.interests.shape[1])
        self.stage = _vector("stage", self.stage, np.int8, n)
        self.focus = _matrix("focus", self.focus, n)
        self.languages = _matrix("languages", self.languages, n)
        self.tz_offset_minutes = _vector("tz_offset_minutes", self.tz_offset_minutes, np.int32, n)
        self.formats = _vector("formats", self.formats, np.uint8, n)
        self.institution = _vector("institution", self.institution, np.int32, n)
        _check_common(self.ids, self.stage, self.tz_offset_minutes, self.formats)

    def row(self, i: int) -> TraineeFeatures:
        """Trainee `i` alone, as a 1-row TraineeFeatures (what `rank` takes)."""
        return self.take([i])


def check_compatible(trainees: TraineeFeatures, mentors: MentorFeatures) -> None:
    """Both sides must use the same taxonomy index spaces."""
    for label, t, m in (
        ("specialty", trainees.interests, mentors.specialties),
        ("focus-area", trainees.focus, mentors.focus),
        ("language", trainees.languages, mentors.languages),
    ):
        if t.shape[1] != m.shape[1]:
            raise ValueError(
                f"Trainees and mentors use different {label} index spaces ({t.shape[1]} vs {m.shape[1]} columns)."
            )


@dataclass(frozen=True)
class Shortlist:
    """Trainees' starred or ranked mentors, by database id. rank 1, 2, 3… is the trainee's order; 0 = starred."""

    trainee_ids: NDArray[np.int64]
    mentor_ids: NDArray[np.int64]
    ranks: NDArray[np.int16]

    def __post_init__(self) -> None:
        t = np.asarray(self.trainee_ids, dtype=np.int64).reshape(-1)
        m = np.asarray(self.mentor_ids, dtype=np.int64).reshape(-1)
        r = np.asarray(self.ranks, dtype=np.int64).reshape(-1)
        if not (len(t) == len(m) == len(r)):
            raise ValueError("Shortlist trainee_ids, mentor_ids and ranks must have the same length.")
        if r.size and r.min() < 0:
            raise ValueError("Shortlist ranks must be 1, 2, 3… or 0 for a starred mentor without a rank.")
        object.__setattr__(self, "trainee_ids", t)
        object.__setattr__(self, "mentor_ids", m)
        object.__setattr__(self, "ranks", r.astype(np.int16))

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[int, int, int]]) -> Shortlist:
        """From (trainee_id, mentor_id, rank) tuples; rank 0 means starred without a rank."""
        rows = np.array(list(entries), dtype=np.int64).reshape(-1, 3)
        return cls(rows[:, 0], rows[:, 1], rows[:, 2].astype(np.int16))


def pairs_array(pairs: Iterable[tuple[int, int]] | NDArray[Any] | None) -> NDArray[np.int64]:
    """(trainee_id, mentor_id) pairs as a K × 2 int64 array."""
    if pairs is None:
        return np.empty((0, 2), dtype=np.int64)
    array = np.asarray(pairs if isinstance(pairs, np.ndarray) else list(pairs), dtype=np.int64)
    return array.reshape(-1, 2)
