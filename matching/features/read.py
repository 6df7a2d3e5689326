"""Profiles → the engine's feature arrays, in a fixed number of queries whatever the number of people.

Each builder reads the profile rows with one `values_list` and every many-to-many field with one `values_list`
over its through table, then fills the boolean matrices with NumPy fancy indexing (no per-row queries, no
Python loop over people for the matrices).
"""

from __future__ import annotations

import math
import zlib
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.db.models import Count, QuerySet
from django.utils import timezone
from numpy.typing import NDArray

from matching.features.taxonomy import Taxonomy
from matching.models import Match, Program, ShortlistEntry
from matching.scoring.arrays import MentorFeatures, Shortlist, TraineeFeatures
from matching.scoring.weights import Weights
from profiles.models import MentorProfile, TraineeProfile

MentorThrough = MentorProfile.subspecialties.through
MentorFocusThrough = MentorProfile.focus_areas.through
MentorLanguageThrough = MentorProfile.languages.through
AssessesThrough = MentorProfile.assesses.through
TraineeInterestThrough = TraineeProfile.specialty_interests.through
TraineeFocusThrough = TraineeProfile.focus_areas.through
TraineeLanguageThrough = TraineeProfile.languages.through


def institution_id(name: str) -> int:
    """A stable id for an institution as people type it ("City Hospital " = "city  hospital"); -1 if blank.

    A hash rather than a lookup table, so mentors and trainees read at different times agree without sharing
    state; a collision between two institutions' names is about one in two billion.
    """
    normalised = " ".join(name.casefold().replace(",", " ").replace(".", " ").split())
    if not normalised:
        return -1
    return zlib.crc32(normalised.encode()) & 0x7FFFFFFF


class ZoneOffsets:
    """UTC offset in minutes of each IANA zone at one instant, computed once per zone (DST-aware)."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or timezone.now()
        self._minutes: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        minutes = self._minutes.get(name)
        if minutes is None:
            minutes = _offset_minutes(name, self.at)
            self._minutes[name] = minutes
        return minutes

    def next_change(self, within: timedelta) -> datetime | None:
        """The first moment after `at`, within `within`, at which a zone asked for so far has another offset (its
        clocks change); None if none does. Arrays built at `at` are right until then. A zone changes its clocks at
        most once within hours, so comparing the two ends and bisecting over whole seconds (clocks change on one)
        finds the change exactly."""
        start, end = math.floor(self.at.timestamp()), math.ceil((self.at + within).timestamp())
        first: int | None = None
        for name, minutes in self._minutes.items():
            if _offset_minutes(name, _utc(end)) == minutes:
                continue
            lo, hi = start, end  # the offset at lo is the old one, at hi the new one
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _offset_minutes(name, _utc(mid)) == minutes else (lo, mid)
            first = hi if first is None else min(first, hi)
        return _utc(first) if first is not None else None


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _offset_minutes(name: str, at: datetime) -> int:
    try:
        offset = at.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        offset = None  # the model validates zones; an unknown legacy value counts as UTC
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _positions(ids: NDArray[np.int64], owners: list[int]) -> NDArray[np.intp]:
    """Row of each owner id in the sorted `ids` (-1 when absent)."""
    owner = np.asarray(owners, dtype=np.int64)
    if not len(ids):
        return np.full(len(owner), -1, dtype=np.intp)
    at = np.minimum(np.searchsorted(ids, owner), len(ids) - 1)
    return np.where(ids[at] == owner, at, -1).astype(np.intp)


def _fill(matrix: NDArray[np.bool_], rows: NDArray[np.intp], cols: NDArray[np.intp]) -> None:
    keep = (rows >= 0) & (cols >= 0)
    matrix[rows[keep], cols[keep]] = True


def _set_matrix(
    ids: NDArray[np.int64], pairs: list[tuple[int, int]], width: int, taxonomy: Taxonomy, kind: str
) -> NDArray[np.bool_]:
    matrix = np.zeros((len(ids), width), dtype=bool)
    if pairs:
        owners, values = zip(*pairs, strict=True)
        _fill(matrix, _positions(ids, list(owners)), taxonomy.columns(kind, np.asarray(values, dtype=np.int64)))
    return matrix


def _families(specialties: NDArray[np.bool_], taxonomy: Taxonomy) -> NDArray[np.bool_]:
    families = np.zeros_like(specialties)
    rows, cols = np.nonzero(specialties)
    families[rows, taxonomy.family_column[cols]] = True
    return families


def _pairs(queryset: Any, owner: str, value: str, owners: QuerySet[Any]) -> list[tuple[int, int]]:
    return list(queryset.filter(**{f"{owner}__in": owners.values("pk")}).values_list(owner, value))


def mentor_features_from(
    mentors: QuerySet[MentorProfile], taxonomy: Taxonomy, *, zones: ZoneOffsets | None = None
) -> MentorFeatures:
    """Five queries: the mentor rows, sub-specialties, focus areas, languages, approved-match counts."""
    zones = zones or ZoneOffsets()
    rows = list(
        mentors.order_by("pk").values_list(
            "pk",
            "specialty_id",
            "career_stage",
            "time_zone",
            "meeting_formats",
            "institution",
            "capacity",
            "accepting_mentees",
        )
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    n_spec, n_focus, n_lang = taxonomy.widths
    own = [(r[0], r[1]) for r in rows]
    subs = _pairs(MentorThrough.objects, "mentorprofile_id", "specialty_id", mentors)
    specialties = _set_matrix(ids, own + subs, n_spec, taxonomy, "specialty")
    active = dict(
        Match.objects.filter(status=Match.Status.APPROVED, mentor_id__in=mentors.values("pk"))
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    capacity = np.array([r[6] for r in rows], dtype=np.int64)
    taken = np.array([active.get(r[0], 0) for r in rows], dtype=np.int64)
    return MentorFeatures(
        ids=ids,
        specialties=specialties,
        families=_families(specialties, taxonomy),
        stage=np.array([r[2] for r in rows], dtype=np.int8),
        focus=_set_matrix(
            ids,
            _pairs(MentorFocusThrough.objects, "mentorprofile_id", "focusarea_id", mentors),
            n_focus,
            taxonomy,
            "focus",
        ),
        languages=_set_matrix(
            ids,
            _pairs(MentorLanguageThrough.objects, "mentorprofile_id", "language_id", mentors),
            n_lang,
            taxonomy,
            "language",
        ),
        tz_offset_minutes=np.array([zones(r[3]) for r in rows], dtype=np.int32),
        formats=np.array([r[4] for r in rows], dtype=np.uint8),
        institution=np.array([institution_id(r[5]) for r in rows], dtype=np.int32),
        free_places=np.clip(capacity - taken, 0, None).astype(np.int16),
        accepting=np.array([r[7] for r in rows], dtype=bool),
    )


def trainee_features(
    trainees: QuerySet[TraineeProfile], taxonomy: Taxonomy, *, zones: ZoneOffsets | None = None
) -> TraineeFeatures:
    """Four queries: the trainee rows, specialty interests, focus areas sought, languages."""
    zones = zones or ZoneOffsets()
    rows = list(
        trainees.order_by("pk").values_list("pk", "career_stage", "time_zone", "meeting_formats", "institution")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    n_spec, n_focus, n_lang = taxonomy.widths
    interests = _set_matrix(
        ids,
        _pairs(TraineeInterestThrough.objects, "traineeprofile_id", "specialty_id", trainees),
        n_spec,
        taxonomy,
        "specialty",
    )
    return TraineeFeatures(
        ids=ids,
        interests=interests,
        interest_families=_families(interests, taxonomy),
        stage=np.array([r[1] for r in rows], dtype=np.int8),
        focus=_set_matrix(
            ids,
            _pairs(TraineeFocusThrough.objects, "traineeprofile_id", "focusarea_id", trainees),
            n_focus,
            taxonomy,
            "focus",
        ),
        languages=_set_matrix(
            ids,
            _pairs(TraineeLanguageThrough.objects, "traineeprofile_id", "language_id", trainees),
            n_lang,
            taxonomy,
            "language",
        ),
        tz_offset_minutes=np.array([zones(r[2]) for r in rows], dtype=np.int32),
        formats=np.array([r[3] for r in rows], dtype=np.uint8),
        institution=np.array([institution_id(r[4]) for r in rows], dtype=np.int32),
    )


def conflicts_for(trainees: QuerySet[TraineeProfile]) -> NDArray[np.int64]:
    """(trainee_id, mentor_id) pairs where the mentor assesses or supervises the trainee: one query."""
    pairs = _pairs(AssessesThrough.objects, "traineeprofile_id", "mentorprofile_id", trainees)
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def shortlist_for(trainees: QuerySet[TraineeProfile]) -> Shortlist:
    """Every shortlist entry of these trainees (rank 0 = starred without a rank): one query."""
    entries = ShortlistEntry.objects.filter(trainee_id__in=trainees.values("pk")).values_list(
        "trainee_id", "mentor_id", "rank"
    )
    return Shortlist.from_entries((t, m, r or 0) for t, m, r in entries)


def program_weights(program: Program | None) -> Weights:
    """The program's weights and rules as the engine takes them; the defaults when there is no program."""
    if program is None:
        return Weights()
    return Weights.from_dict(
        {
            **(program.weights or {}),
            "institution_rule": program.institution_rule,
            "stage_gap_best": int(program.stage_gap_best),
            "time_zone_cap_hours": program.time_zone_cap_hours,
        }
    )
