"""Hand-made and random feature arrays for the pure matching-engine tests (no Django, no database)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matching.scoring import MentorFeatures, TraineeFeatures

S, F, L = 6, 4, 3  # specialties (0–1 are families; 2, 3 belong to 0 and 4, 5 to 1), focus areas, languages
PARENT = np.array([0, 1, 0, 0, 1, 1])


def _sets(indexes: list[int], width: int) -> np.ndarray:
    row = np.zeros(width, dtype=bool)
    row[indexes] = True
    return row


def families(specialty_rows: np.ndarray) -> np.ndarray:
    out = np.zeros_like(specialty_rows)
    rows, cols = np.nonzero(specialty_rows)
    out[rows, PARENT[cols]] = True
    return out


def trainee(**kw: Any) -> TraineeFeatures:
    """One trainee; keywords override: interests, stage, focus, languages, tz, formats, institution, id."""
    interests = np.array([_sets(kw.get("interests", [2]), S)])
    return TraineeFeatures(
        ids=[kw.get("id", 1)],
        interests=interests,
        interest_families=families(interests),
        stage=[kw.get("stage", 2)],
        focus=[_sets(kw.get("focus", [0, 1]), F)],
        languages=[_sets(kw.get("languages", [0]), L)],
        tz_offset_minutes=[kw.get("tz", 0)],
        formats=[kw.get("formats", 2)],
        institution=[kw.get("institution", 7)],
    )


def mentors(*rows: dict[str, Any]) -> MentorFeatures:
    """Mentors from dicts with the same keys as `trainee` plus accepting and free_places; ids 100, 101, …"""
    specialties = np.array([_sets(r.get("specialties", [2]), S) for r in rows])
    return MentorFeatures(
        ids=[r.get("id", 100 + k) for k, r in enumerate(rows)],
        specialties=specialties,
        families=families(specialties),
        stage=[r.get("stage", 4) for r in rows],
        focus=np.array([_sets(r.get("focus", [0, 1]), F) for r in rows]),
        languages=np.array([_sets(r.get("languages", [0]), L) for r in rows]),
        tz_offset_minutes=[r.get("tz", 0) for r in rows],
        formats=[r.get("formats", 2) for r in rows],
        institution=[r.get("institution", 7) for r in rows],
        free_places=[r.get("free_places", 2) for r in rows],
        accepting=[r.get("accepting", True) for r in rows],
    )


def random_features(seed: int, n: int, m: int) -> tuple[TraineeFeatures, MentorFeatures]:
    """Random but valid features (some pairs share nothing, some are excluded)."""
    rng = np.random.default_rng(seed)
    t_spec = rng.random((n, S)) < 0.3
    m_spec = rng.random((m, S)) < 0.3
    t = TraineeFeatures(
        ids=rng.permutation(10 * n)[:n] + 1,
        interests=t_spec,
        interest_families=families(t_spec),
        stage=rng.integers(0, 7, n),
        focus=rng.random((n, F)) < 0.4,
        languages=rng.random((n, L)) < 0.6,
        tz_offset_minutes=rng.choice([-480, -300, 0, 60, 330, 540, 600], n),
        formats=rng.integers(0, 8, n),
        institution=rng.integers(-1, 3, n),
    )
    mt = MentorFeatures(
        ids=rng.permutation(10 * m)[:m] + 1,
        specialties=m_spec,
        families=families(m_spec),
        stage=rng.integers(2, 9, m),
        focus=rng.random((m, F)) < 0.5,
        languages=rng.random((m, L)) < 0.6,
        tz_offset_minutes=rng.choice([-480, -300, 0, 60, 330, 540, 600], m),
        formats=rng.integers(1, 8, m),
        institution=rng.integers(-1, 3, m),
        free_places=rng.integers(0, 3, m),
        accepting=rng.random(m) < 0.8,
    )
    return t, mt


@pytest.fixture(autouse=True)
def _fast_and_isolated() -> None:
    """The engine needs no Django: replaces the project's autouse settings fixture for these modules."""


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """The engine has no cache: replaces the project's autouse cache fixture for these modules."""
