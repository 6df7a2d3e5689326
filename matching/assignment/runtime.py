"""Process settings for the duration of one engine call: single-threaded BLAS, no transparent huge pages.

Both were measured on the project's 2-core machine at 20,000 × 4,000 (see docs/performance.md):
- OpenBLAS threads inside each small block product only spin against our own two block threads: scoring all
  80 M pairs took 0.35 s CPU single-threaded and 1.8–2.4 s with OpenBLAS's threads.
- NumPy asks the kernel for huge pages on every array of 4 MB or more; with THP `defrag=madvise` the kernel
  then compacts memory synchronously on each page fault (and here got no huge pages anyway): filling a fresh
  320 MB matrix took 0.59 s CPU with the hint and 0.11 s without.
Both settings are process-wide, so they are restored on the way out. `run_pieces` is how the engine then uses
the two cores: its own threads over independent pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

T = TypeVar("T")

#: NumPy's switch (returns the previous value); absent from a NumPy without it: nothing to turn off then.
_set_madvise_hugepage: Callable[[bool], bool] | None = getattr(
    getattr(getattr(np, "_core", None), "multiarray", None), "_set_madvise_hugepage", None
)


@contextmanager
def engine_settings() -> Iterator[None]:
    previous = _set_madvise_hugepage(False) if _set_madvise_hugepage is not None else None
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        if _set_madvise_hugepage is not None and previous is not None:
            _set_madvise_hugepage(previous)


def run_pieces(work: Callable[[int], T], starts: range, threads: int) -> list[T]:
    """`work` on every start, results in order; on `threads` threads when there are enough starts to share
    (the pieces are independent and NumPy releases the GIL in the heavy calls)."""
    if threads > 1 and len(starts) > 3:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(work, starts))
    return [work(r0) for r0 in starts]
