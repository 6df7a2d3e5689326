"""Synthetic but realistic cohorts for the matching benchmark (no Django, no database).

Distributions: a skewed specialty popularity (internal medicine, surgery and paediatrics dominate), mentors with
1–3 specialties inside one family, trainees interested in 1–3 specialties, 1–3 languages with English nearly
universal, time zones clustered in North America with smaller groups in Europe and Asia, capacity 1–5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.scoring import MentorFeatures, Shortlist, TraineeFeatures

FAMILIES = 30
SUBSPECIALTIES = 90  # each belongs to one family
S = FAMILIES + SUBSPECIALTIES
FOCUS_AREAS = 16
LANGUAGES = 12
INSTITUTIONS = 40
TZ_CLUSTERS = np.array([-300, -360, -420, -480, -240, 0, 60, 120, 330, 480, 540, -180, 600, 780])
TZ_WEIGHTS = np.array([28, 22, 8, 12, 3, 5, 6, 3, 5, 3, 2, 1, 1, 1], dtype=float)


@dataclass
class Cohort:
    trainees: TraineeFeatures
    mentors: MentorFeatures
    capacity: np.ndarray
    shortlist: Shortlist
    conflicts: np.ndarray


def _zipf(rng: np.random.Generator, k: int, size: int, a: float = 1.1) -> np.ndarray:
    p = 1.0 / np.arange(1, k + 1) ** a
    return rng.choice(k, size=size, p=p / p.sum())


def _parents(rng: np.random.Generator) -> np.ndarray:
    parent = np.empty(S, dtype=np.int64)
    parent[:FAMILIES] = np.arange(FAMILIES)
    parent[FAMILIES:] = _zipf(np.random.default_rng(7), FAMILIES, SUBSPECIALTIES, 0.8)
    return parent


def _specialty_sets(rng: np.random.Generator, n: int, parent: np.ndarray, max_extra: int) -> np.ndarray:
    chosen = np.zeros((n, S), dtype=bool)
    family = _zipf(rng, FAMILIES, n)
    chosen[np.arange(n), family] = True
    extra = rng.integers(0, max_extra + 1, size=n)
    for k in range(1, max_extra + 1):
        rows = np.flatnonzero(extra >= k)
        # a sub-specialty of the same family when there is one, otherwise another popular specialty
        sub = np.array([rng.choice(np.flatnonzero(parent == family[r])) for r in rows], dtype=np.int64)
        chosen[rows, sub] = True
    return chosen


def _families_of(chosen: np.ndarray, parent: np.ndarray) -> np.ndarray:
    fam = np.zeros_like(chosen)
    rows, cols = np.nonzero(chosen)
    fam[rows, parent[cols]] = True
    return fam


def _languages(rng: np.random.Generator, n: int) -> np.ndarray:
    langs = np.zeros((n, LANGUAGES), dtype=bool)
    langs[:, 0] = rng.random(n) < 0.96  # English
    count = rng.integers(0, 3, size=n)
    for k in range(2):
        rows = np.flatnonzero(count > k)
        langs[rows, 1 + _zipf(rng, LANGUAGES - 1, len(rows), 1.3)] = True
    empty = ~langs.any(axis=1)
    langs[empty, 1 + _zipf(rng, LANGUAGES - 1, int(empty.sum()), 1.3)] = True
    return langs


def _focus(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    focus = rng.random((n, FOCUS_AREAS)) < (rng.integers(low, high + 1, size=n) / FOCUS_AREAS)[:, None]
    return focus


def make_cohort(n: int, m: int, seed: int = 0) -> Cohort:
    rng = np.random.default_rng(seed)
    parent = _parents(rng)
    mentor_spec = _specialty_sets(rng, m, parent, 2)
    trainee_spec = _specialty_sets(rng, n, parent, 2)
    capacity = rng.integers(1, 6, size=m)
    tz_p = TZ_WEIGHTS / TZ_WEIGHTS.sum()
    inst_p = 1.0 / np.arange(1, INSTITUTIONS + 1)
    inst_p /= inst_p.sum()
    mentor_inst = np.where(rng.random(m) < 0.05, -1, rng.choice(INSTITUTIONS, size=m, p=inst_p))
    mentors = MentorFeatures(
        ids=np.arange(1, m + 1) * 10,
        specialties=mentor_spec,
        families=_families_of(mentor_spec, parent),
        stage=rng.choice(np.arange(3, 9), size=m, p=[0.05, 0.1, 0.15, 0.3, 0.25, 0.15]),
        focus=_focus(rng, m, 2, 6),
        languages=_languages(rng, m),
        tz_offset_minutes=rng.choice(TZ_CLUSTERS, size=m, p=tz_p),
        formats=rng.choice([2, 3, 6, 7, 1, 4], size=m, p=[0.4, 0.2, 0.15, 0.15, 0.05, 0.05]),
        institution=mentor_inst,
        free_places=capacity.astype(np.int16),
        accepting=rng.random(m) < 0.95,
    )
    trainee_inst = np.where(rng.random(n) < 0.05, -1, rng.choice(INSTITUTIONS, size=n, p=inst_p))
    trainees = TraineeFeatures(
        ids=np.arange(1, n + 1) * 7,
        interests=trainee_spec,
        interest_families=_families_of(trainee_spec, parent),
        stage=rng.choice(np.arange(0, 7), size=n, p=[0.15, 0.2, 0.15, 0.2, 0.15, 0.1, 0.05]),
        focus=_focus(rng, n, 0, 4),
        languages=_languages(rng, n),
        tz_offset_minutes=rng.choice(TZ_CLUSTERS, size=n, p=tz_p),
        formats=rng.choice([0, 2, 3, 1, 6], size=n, p=[0.3, 0.35, 0.15, 0.1, 0.1]),
        institution=trainee_inst,
    )
    # About a third of trainees shortlist 1–5 mentors, ranking up to three of them.
    who = np.flatnonzero(rng.random(n) < 0.3)
    count = rng.integers(1, 6, size=len(who))
    t_ids = np.repeat(trainees.ids[who], count)
    m_ids = mentors.ids[rng.integers(0, m, size=len(t_ids))]
    position = np.arange(len(t_ids)) - np.repeat(np.cumsum(count) - count, count)
    ranks = np.where(position < 3, position + 1, 0)
    shortlist = Shortlist(t_ids, m_ids, ranks)
    # Each mentor supervises a couple of trainees.
    conflicts = np.column_stack([trainees.ids[rng.integers(0, n, size=2 * m)], np.repeat(mentors.ids, 2)]).astype(
        np.int64
    )
    return Cohort(trainees, mentors, capacity.astype(np.int64), shortlist, conflicts)
