"""What the engine benchmark measures besides a size's figures: median wall and CPU time, the CPU of each phase of an
exact round, and the machine it ran on (CPU model, cores, library versions), printed with every run."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def timed(fn, repeat: int = 1):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def timed_cpu(fn, repeat: int = 1):
    """Median wall and median CPU seconds (all threads of this process): the machine is shared, so CPU time is
    the figure that does not depend on what the other engineers run meanwhile."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def optimal_phases(call) -> dict:
    """CPU seconds per phase of one optimal round: exact solves, proof passes, the rest (mostly the first
    scoring + candidate pass), by wrapping the engine's functions for one extra, untimed call."""
    exact = sys.modules["matching.assignment.exact"]
    finder = sys.modules["matching.assignment.optimal"].SlackFinder
    spent = {"solves_cpu_s": 0.0, "proof_passes_cpu_s": 0.0, "solves": 0}
    solve_slots, find = exact._solve_slots, finder.__call__

    def timed_solve(*a, **k):
        cpu = time.process_time()
        try:
            return solve_slots(*a, **k)
        finally:
            spent["solves_cpu_s"] += time.process_time() - cpu
            spent["solves"] += 1

    def timed_find(self, prices):
        cpu = time.process_time()
        try:
            return find(self, prices)
        finally:
            spent["proof_passes_cpu_s"] += time.process_time() - cpu

    setattr(exact, "_solve_slots", timed_solve)  # noqa: B010 - a module attribute mypy cannot see
    finder.__call__ = timed_find
    try:
        cpu = time.process_time()
        call("optimal")
        spent["total_cpu_s"] = time.process_time() - cpu
    finally:
        setattr(exact, "_solve_slots", solve_slots)  # noqa: B010
        finder.__call__ = find
    spent["rest_cpu_s"] = spent["total_cpu_s"] - spent["solves_cpu_s"] - spent["proof_passes_cpu_s"]
    return spent


def machine() -> dict:
    import scipy

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
    }
