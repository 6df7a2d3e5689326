"""Small NumPy helpers for the engine's hot loops."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def nonzero2d(mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """`np.nonzero` of a 2-D mask (same pairs, same row-major order), about 10× faster.

    NumPy's 2-D `nonzero` unravels every index as it goes: 2.8 ms on a 262 × 4,000 block with ~5,000 hits,
    against 0.3 ms for `flatnonzero` plus one division. At 20k × 4k the engine calls it on every block of the
    first pass and of every proof pass.
    """
    width = mask.shape[1]
    flat = np.flatnonzero(mask)
    if not width:
        return flat, flat
    rows, cols = np.divmod(flat, width)
    return rows, cols


def find_sorted(keys: NDArray[np.int64], queries: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """For each query, its index in the ascending `keys` and whether it is there at all (`at` is meaningful
    only where `found`; with no keys, nothing is found). Sorted queries look up several times faster."""
    if not len(keys):
        return np.zeros(len(queries), dtype=np.intp), np.zeros(len(queries), dtype=bool)
    at = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    return at, keys[at] == queries
