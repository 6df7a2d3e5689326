"""Stable assignment: trainee-proposing deferred acceptance with mentor capacities (the residency match).

Every free trainee proposes at once to the next mentor on their list; each mentor keeps their best proposers
up to capacity and rejects the rest; repeat. Proposals made in rounds give the same result as one at a time:
the trainee-optimal stable matching. Each round is a few array operations, not a loop over trainees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .fast import find_sorted

#: Preferences: one list per person of acceptable indices on the other side, best first. A 2-D int array
#: padded with -1 is accepted too (what `prefs_from_scores` returns for trainees).
Prefs = Sequence[Sequence[int]] | Sequence[NDArray[np.integer[Any]]] | NDArray[np.integer[Any]]


def padded(prefs: Prefs, other_side: int, label: str) -> NDArray[np.int64]:
    """Preference lists as an N × L int64 array padded with -1, validated (by `entries`)."""
    if isinstance(prefs, np.ndarray) and prefs.ndim == 2:
        table = prefs.astype(np.int64, copy=False)
    else:
        lists = [np.asarray(p, dtype=np.int64).reshape(-1) for p in prefs]
        width = max((len(p) for p in lists), default=0)
        table = np.full((len(lists), width), -1, dtype=np.int64)
        lengths = np.array([len(p) for p in lists], dtype=np.int64)
        if width and len(lists):
            mask = np.arange(width)[None, :] < lengths[:, None]
            table[mask] = np.concatenate(lists) if lists else []
    entries(table, other_side, label)
    return table


@dataclass(frozen=True)
class Entries:
    """The real entries of preference lists, flat: list `rows[k]` names `values[k]` at position `pos[k]`."""

    rows: NDArray[np.int64]
    pos: NDArray[np.int64]
    values: NDArray[np.int64]
    lists: int


def entries(prefs: Prefs, other_side: int, label: str) -> Entries:
    """Preference lists as flat entries, validated: indices in 0..other_side − 1, -1 only as padding after a
    list's real entries, nobody twice in one list (ValueError naming `label` otherwise). The one validator of
    preferences: `padded` calls it too.

    For lists of very different lengths (a popular mentor lists 2,600 trainees, the average 250), padding to
    the longest cost 4,000 × 2,600 cells and a sort of all of them: 0.4–0.7 s of a 1 s deferred acceptance.
    """
    if isinstance(prefs, np.ndarray) and prefs.ndim == 2:
        flat = prefs.astype(np.int64, copy=False).reshape(-1)
        lengths = np.full(prefs.shape[0], prefs.shape[1], dtype=np.int64)
    else:
        lists = [np.asarray(p, dtype=np.int64).reshape(-1) for p in prefs]
        lengths = np.fromiter((len(p) for p in lists), dtype=np.int64, count=len(lists))
        flat = np.concatenate(lists) if lists else np.empty(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    pos = np.arange(len(flat), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    if (flat >= other_side).any():
        raise ValueError(f"{label} preferences name an index outside 0..{other_side - 1}.")
    if (flat < -1).any():
        raise ValueError(f"{label} preferences hold a negative index (only -1 may pad a row).")
    real = flat >= 0
    first_pad = np.full(len(lengths), np.iinfo(np.int64).max)
    np.minimum.at(first_pad, rows[~real], pos[~real])
    last_real = np.full(len(lengths), -1)
    np.maximum.at(last_real, rows[real], pos[real])
    if (first_pad < last_real).any():
        raise ValueError(f"{label} preferences have -1 padding before a real entry.")
    rows, pos, flat = rows[real], pos[real], flat[real]
    keys = np.sort(rows * (int(flat.max(initial=0)) + 1) + flat)
    if (keys[1:] == keys[:-1]).any():
        raise ValueError(f"{label} preferences list the same person twice.")
    return Entries(rows, pos, flat, len(lengths))


def stable(trainee_prefs: Prefs, mentor_prefs: Prefs, capacity: ArrayLike) -> NDArray[np.intp]:
    """Trainee-optimal stable assignment: each trainee's mentor index, or -1.

    A pair is matched only if each lists the other. No trainee–mentor pair would both rather be together
    (a mentor with a free place takes anyone they listed); mentor j never gets more than capacity[j].
    """
    cap = np.asarray(capacity)
    if cap.ndim != 1:
        raise ValueError("capacity must be a 1-D array with one entry per mentor.")
    if cap.size and cap.min() < 0:
        raise ValueError("capacity must not be negative.")
    m = len(cap)
    listed = entries(mentor_prefs, 1 << 62, "Mentor")
    if listed.lists != m:
        raise ValueError(f"mentor_prefs has {listed.lists} lists but capacity has {m} mentors.")
    wants = entries(trainee_prefs, m, "Trainee")
    n = wants.lists
    if (listed.values >= n).any():
        raise ValueError(f"Mentor preferences name an index outside 0..{n - 1}.")
    cap = cap.astype(np.int64)

    # Each mentor's rank of each trainee they listed, looked up for every entry of the trainees' lists.
    m_pos = listed.pos
    keys = listed.rows * n + listed.values
    order = np.argsort(keys)
    keys, ranks = keys[order], m_pos[order]
    t_rows, t_mentor = wants.rows, wants.values  # in each trainee's order
    wanted = t_mentor * n + t_rows
    # Look the entries up in sorted order: searchsorted is several times faster on sorted queries.
    by_key = np.argsort(wanted, kind="stable")
    at, mutual = np.empty(len(wanted), dtype=np.intp), np.empty(len(wanted), dtype=bool)
    at[by_key], mutual[by_key] = find_sorted(keys, wanted[by_key])
    mutual &= cap[t_mentor] > 0
    # Keep only mutually acceptable entries, in each trainee's order, packed to the left.
    t_rows, t_mentor, at = t_rows[mutual], t_mentor[mutual], at[mutual]
    length = np.bincount(t_rows, minlength=n)
    slot = np.arange(len(t_rows)) - np.repeat(np.cumsum(length) - length, length)
    width = int(length.max(initial=0))
    choice = np.full((n, max(width, 1)), -1, dtype=np.int64)
    rank_of = np.zeros((n, max(width, 1)), dtype=np.int64)
    choice[t_rows, slot] = t_mentor
    rank_of[t_rows, slot] = ranks[at]

    held = np.full(n, -1, dtype=np.int64)  # mentor currently holding each trainee
    held_rank = np.zeros(n, dtype=np.int64)
    next_choice = np.zeros(n, dtype=np.int64)
    free = np.flatnonzero(length > 0)
    while len(free):
        j = choice[free, next_choice[free]]
        r = rank_of[free, next_choice[free]]
        next_choice[free] += 1
        touched = np.zeros(m, dtype=bool)
        touched[j] = True
        holders = np.flatnonzero(held >= 0)
        holders = holders[touched[held[holders]]]
        who = np.concatenate([holders, free])
        mentor = np.concatenate([held[holders], j])
        rank = np.concatenate([held_rank[holders], r])
        order = np.lexsort((rank, mentor))
        who, mentor, rank = who[order], mentor[order], rank[order]
        starts = np.flatnonzero(np.r_[True, mentor[1:] != mentor[:-1]])
        group_size = np.diff(np.r_[starts, len(mentor)])
        position = np.arange(len(mentor)) - np.repeat(starts, group_size)
        keep = position < cap[mentor]
        held[who[keep]] = mentor[keep]
        held_rank[who[keep]] = rank[keep]
        rejected = who[~keep]
        held[rejected] = -1
        free = rejected[next_choice[rejected] < length[rejected]]
    return held.astype(np.intp)
