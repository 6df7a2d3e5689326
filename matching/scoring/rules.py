"""Hard rules and the small lookup tables that turn pairs of feature values into component values.

Every component that depends on one value per side (career stage, time zone, meeting format, institution,
language set) is a table T[trainee value, mentor value]; with the mentor's value one-hot encoded, the
component for a whole block of pairs is one matrix product T[trainee rows] @ onehot(mentor)ᵀ.
"""

from __future__ import annotations

import enum

import numpy as np
from numpy.typing import NDArray

from .arrays import MAX_STAGE
from .weights import STAGE_STEP, Weights


class Rule(enum.IntFlag):
    """Why a pair is excluded; a pair's `excluded` value is the OR of these bits."""

    NO_SHARED_LANGUAGE = 1
    MENTOR_NOT_AHEAD = 2
    ASSESSES_TRAINEE = 4
    NOT_ACCEPTING = 8
    NO_FREE_PLACE = 16
    TIME_ZONE_CAP = 32


RULES: tuple[Rule, ...] = tuple(Rule)

MINUTES_PER_DAY = 24 * 60


def stage_tables(weights: Weights) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """(fit, not_ahead), both indexed [trainee stage, mentor stage]."""
    stages = np.arange(MAX_STAGE + 1)
    gap = stages[None, :] - stages[:, None]
    fit = np.clip(1.0 - STAGE_STEP * np.abs(gap - weights.stage_gap_best), 0.0, 1.0)
    not_ahead = gap <= 0
    fit[not_ahead] = 0.0
    return fit.astype(np.float32), not_ahead


def stage_fit(gap: int, weights: Weights) -> float:
    """Career-stage fit for a mentor `gap` stages ahead (0 when the mentor is not ahead)."""
    if gap <= 0:
        return 0.0
    return max(0.0, 1.0 - STAGE_STEP * abs(gap - weights.stage_gap_best))


def tz_minutes_apart(a: NDArray[np.int32], b: NDArray[np.int32]) -> NDArray[np.int32]:
    """Circular distance on a 24 h clock, in minutes (0..720), broadcasting a against b."""
    d = np.abs(a.astype(np.int32) - b.astype(np.int32)) % MINUTES_PER_DAY
    return np.minimum(d, MINUTES_PER_DAY - d)


def tz_tables(
    trainee_tz: NDArray[np.int32], mentor_tz_values: NDArray[np.int32], weights: Weights
) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """(closeness, over_cap), indexed [trainee, distinct mentor offset]; closeness = 1 − hours/12."""
    minutes = tz_minutes_apart(trainee_tz[:, None], mentor_tz_values[None, :])
    closeness = (1.0 - minutes / 720.0).astype(np.float32)
    cap = weights.time_zone_cap_hours
    over_cap = minutes > cap * 60.0 if cap is not None else np.zeros(minutes.shape, dtype=bool)
    return closeness, over_cap


def _popcount3(x: NDArray[np.int64]) -> NDArray[np.int64]:
    return (x & 1) + ((x >> 1) & 1) + ((x >> 2) & 1)


#: FORMAT_TABLE[trainee formats, mentor formats]: share of the trainee's preferred formats the mentor offers;
#: a trainee with no preference is satisfied by anyone.
_codes = np.arange(8, dtype=np.int64)
FORMAT_TABLE: NDArray[np.float32] = np.where(
    _codes[:, None] == 0,
    1.0,
    _popcount3(_codes[:, None] & _codes[None, :]) / np.maximum(_popcount3(_codes[:, None]), 1),
).astype(np.float32)


def institution_table(
    trainee_inst: NDArray[np.int32], mentor_inst_values: NDArray[np.int32], rule: str
) -> NDArray[np.float32]:
    """Institution component, indexed [trainee, distinct mentor institution]; 0.5 when either is unknown."""
    same = trainee_inst[:, None] == mentor_inst_values[None, :]
    unknown = (trainee_inst[:, None] < 0) | (mentor_inst_values[None, :] < 0)
    known_value = same if rule == "plus" else ~same
    return np.where(unknown, 0.5, known_value.astype(np.float32)).astype(np.float32)


SHORTLIST_VALUES: dict[int, float] = {1: 1.0, 2: 0.85, 3: 0.7}
STARRED_VALUE = 0.5  # starred without a rank, or ranked below 3rd


def shortlist_value(ranks: NDArray[np.int16]) -> NDArray[np.float32]:
    values = np.full(ranks.shape, STARRED_VALUE, dtype=np.float32)
    for rank, value in SHORTLIST_VALUES.items():
        values[ranks == rank] = value
    return values
