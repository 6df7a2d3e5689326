"""Benchmark of the matching engine: `python bench/matching.py [--sizes 1000x300,5000x1000,20000x4000]`.

Each size runs in its own subprocess (so peak memory is that size's alone) and prints: score + exact optimal
assignment time and peak memory, exactness against SciPy's all-pairs linear_sum_assignment (smaller sizes),
stable matching on 50-long lists, and the same work done by plain pure-Python code and by the PyPI `matching`
package (run from /tmp/venv-matching, outside this project's path), as ratios. Then single-trainee ranking over
5,000 mentors. Results are wall-clock on whatever else the machine is doing: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# This script is itself named matching.py: keep its folder behind the project root so `import matching` finds
# the app, not this file.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

from engine_measure import machine, optimal_phases, timed, timed_cpu  # noqa: E402
from pure_python import deferred_acceptance, python_features, python_rank, python_score  # noqa: E402
from pypi_matching import run_pypi  # noqa: E402
from synthetic import make_cohort  # noqa: E402

from matching.assignment import assign_cohort, stable  # noqa: E402
from matching.assignment.prefs import prefs_from_pairs  # noqa: E402
from matching.assignment.pruning import Pruner  # noqa: E402
from matching.assignment.runtime import engine_settings  # noqa: E402
from matching.scoring import Weights, rank, score  # noqa: E402
from matching.scoring.compute import Context, default_block_rows  # noqa: E402

WEIGHTS = Weights()


def reference_optimum(totals: np.ndarray, capacity: np.ndarray) -> tuple[int, float, float]:
    """All pairs, mentor slots copied, SciPy's dense solver: (matched, total, seconds)."""
    from scipy.optimize import linear_sum_assignment

    start = time.perf_counter()
    slots = np.repeat(np.arange(totals.shape[1]), capacity)
    s = totals[:, slots].astype(np.float64)
    allowed = np.isfinite(s)
    bonus = 101.0 * (min(s.shape) + 1)
    rows, cols = linear_sum_assignment(np.where(allowed, -(np.where(allowed, s, 0.0) + bonus), 0.0))
    real = allowed[rows, cols]
    return int(real.sum()), float(s[rows[real], cols[real]].sum()), time.perf_counter() - start


def stable_prefs(cohort, k: int = 50):
    ctx = Context(cohort.trainees, cohort.mentors, WEIGHTS, shortlist=cohort.shortlist, conflicts=cohort.conflicts)
    n, m = ctx.shape
    pruner = Pruner(n, m, k, np.full(m, np.inf))
    step = default_block_rows(m)
    for r0 in range(0, n, step):
        pruner.add(r0, ctx.total(r0, min(n, r0 + step)))
    return prefs_from_pairs(n, m, *pruner.candidates(), k)


def one_size(n: int, m: int, args) -> dict:
    cohort = make_cohort(n, m, seed=1)
    out: dict = {"size": f"{n}x{m}", "slots": int(cohort.capacity.sum())}
    call = lambda method: assign_cohort(  # noqa: E731
        cohort.trainees,
        cohort.mentors,
        WEIGHTS,
        cohort.capacity,
        shortlist=cohort.shortlist,
        conflicts=cohort.conflicts,
        method=method,
    )
    assign_cohort(cohort.trainees.take(np.arange(50)), cohort.mentors, WEIGHTS, cohort.capacity)  # warm up
    repeat = 3 if n * m <= 5_000_000 else 2
    out["loadavg_1min"] = os.getloadavg()[0]
    out["optimal_s"], out["optimal_cpu_s"], result = timed_cpu(lambda: call("optimal"), repeat)
    out["optimal_phases"] = optimal_phases(call)
    out["optimal_rounds"] = result.rounds
    out["matched"] = result.quality.matched
    tracemalloc.start()
    call("optimal")
    out["optimal_peak_traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    if n * m <= args.exact_max_pairs:
        # Scored with the engine's BLAS setting: OpenBLAS's result differs in the last bit with its thread count,
        # and the all-pairs reference must see the very scores the engine optimised.
        with engine_settings():
            totals = score(
                cohort.trainees, cohort.mentors, WEIGHTS, shortlist=cohort.shortlist, conflicts=cohort.conflicts
            ).total
        matched = np.flatnonzero(result.assignment >= 0)
        mine = float(totals[matched, result.assignment[matched]].astype(np.float64).sum())
        ref_matched, ref_total, ref_s = reference_optimum(totals, cohort.capacity)
        out["exact"] = {
            "matched": [len(matched), ref_matched],
            "total": [mine, ref_total],
            "equal": len(matched) == ref_matched and abs(mine - ref_total) <= 1e-12 * abs(ref_total),
            "all_pairs_lsa_s": ref_s,
        }
    if args.optimal_only:
        out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out
    out["stable_cohort_s"], stable_result = timed(lambda: call("stable"), repeat)
    out["stable_blocking_pairs"] = stable_result.quality.blocking_pairs
    out["total_vs_optimal_pct"] = 100 * (
        float(np.nansum(stable_result.scores_of_assigned)) / float(np.nansum(result.scores_of_assigned)) - 1
    )
    t_prefs, m_prefs = stable_prefs(cohort)
    out["stable_only_s"], ours = timed(lambda: stable(t_prefs, m_prefs, cohort.capacity), repeat)
    lists = [[int(x) for x in row if x >= 0] for row in t_prefs]
    mlists = [p.tolist() for p in m_prefs]
    out["python_da_s"], theirs = timed(lambda: deferred_acceptance(lists, mlists, cohort.capacity.tolist()))
    out["python_da_same"] = theirs == ours.tolist()
    if n * m <= args.pypi_max_pairs:
        pypi = run_pypi(t_prefs, m_prefs, cohort.capacity, args.pypi_timeout)
        if "assignment" in pypi:
            pypi["same"] = pypi.pop("assignment") == ours.tolist()
        out["pypi_matching"] = pypi
    # Plain Python scoring of a sample of pairs, extrapolated to all N × M pairs.
    pt, pm = python_features(cohort, WEIGHTS)
    rng = np.random.default_rng(0)
    sample = list(zip(rng.integers(0, n, 20_000).tolist(), rng.integers(0, m, 20_000).tolist(), strict=True))
    start = time.perf_counter()
    values = [python_score(pt[i], pm[j], WEIGHTS) for i, j in sample]
    per_pair = (time.perf_counter() - start) / len(sample)
    out["python_pairs_per_s"] = 1 / per_pair
    out["python_score_all_pairs_s_extrapolated"] = per_pair * n * m
    check = score(
        cohort.trainees.take([sample[0][0]]),
        cohort.mentors.take([sample[0][1]]),
        WEIGHTS,
        shortlist=cohort.shortlist,
        conflicts=cohort.conflicts,
    ).total[0, 0]
    out["python_score_agrees"] = bool(np.isclose(values[0], check, atol=1e-3) or (values[0] < 0 and np.isinf(check)))
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def ranking(args) -> dict:
    cohort = make_cohort(300, 5000, seed=2)
    times = []
    for i in range(300):
        row = cohort.trainees.row(i)
        start = time.perf_counter()
        rank(row, cohort.mentors, WEIGHTS, shortlist=cohort.shortlist, conflicts=cohort.conflicts)
        times.append(time.perf_counter() - start)
    pt, pm = python_features(cohort, WEIGHTS)
    py_times = []
    for i in range(10):
        start = time.perf_counter()
        python_rank(pt[i], pm, WEIGHTS)
        py_times.append(time.perf_counter() - start)
    return {
        "rank_5000_median_ms": 1e3 * statistics.median(times[20:]),
        "rank_5000_p95_ms": 1e3 * float(np.percentile(times[20:], 95)),
        "python_rank_5000_median_ms": 1e3 * statistics.median(py_times),
    }


def report(row: dict) -> None:
    print(f"\n== {row['size']} ({row['slots']} mentor places) ==")
    print(
        f"score + exact optimal: {row['optimal_s']:.2f} s wall, {row['optimal_cpu_s']:.2f} s CPU "
        f"(load average {row['loadavg_1min']:.1f}; {row['optimal_rounds']} solver rounds, "
        f"{row['matched']} matched), traced peak {row['optimal_peak_traced_mb']:.0f} MB, "
        f"process max RSS {row['maxrss_mb']:.0f} MB"
    )
    ph = row["optimal_phases"]
    print(
        f"  CPU by phase: first scoring + candidates and the rest {ph['rest_cpu_s']:.2f} s, "
        f"{ph['solves']} exact solves {ph['solves_cpu_s']:.2f} s, proof passes {ph['proof_passes_cpu_s']:.2f} s"
    )
    if "exact" in row:
        e = row["exact"]
        print(
            f"exact vs all-pairs linear_sum_assignment: {'EQUAL' if e['equal'] else 'DIFFERENT'} "
            f"(matched {e['matched'][0]} vs {e['matched'][1]}, total {e['total'][0]:.6f} vs {e['total'][1]:.6f}); "
            f"all-pairs solve alone {e['all_pairs_lsa_s']:.2f} s = {e['all_pairs_lsa_s'] / row['optimal_s']:.1f}×"
        )
    if "stable_cohort_s" not in row:
        return  # --optimal-only
    print(
        f"stable (scores + 50-long lists + deferred acceptance): {row['stable_cohort_s']:.2f} s, "
        f"{row['stable_blocking_pairs']} blocking pairs, total score {row['total_vs_optimal_pct']:+.2f}% vs optimal"
    )
    print(
        f"stable() alone: {row['stable_only_s']:.3f} s; pure Python: {row['python_da_s']:.2f} s "
        f"= {row['python_da_s'] / row['stable_only_s']:.1f}× (same result: {row['python_da_same']})"
    )
    pypi = row.get("pypi_matching")
    if pypi is not None:
        if "seconds" in pypi:
            print(
                f"PyPI matching HospitalResident: {pypi['seconds']:.2f} s = "
                f"{pypi['seconds'] / row['stable_only_s']:.0f}× (same result: {pypi['same']})"
            )
        else:
            print(f"PyPI matching HospitalResident: {pypi.get('skipped') or pypi.get('failed')}")
    print(
        f"pure-Python scoring: {row['python_pairs_per_s'] / 1e6:.2f} M pairs/s, all pairs ≈ "
        f"{row['python_score_all_pairs_s_extrapolated']:.1f} s (extrapolated from 20,000 pairs) = "
        f"{row['python_score_all_pairs_s_extrapolated'] / row['optimal_s']:.0f}× our score + assignment"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000x300,5000x1000,20000x4000")
    parser.add_argument("--exact-max-pairs", type=int, default=5_000_000, help="check vs all-pairs LSA up to this")
    parser.add_argument("--pypi-max-pairs", type=int, default=5_000_000)
    parser.add_argument("--pypi-timeout", type=float, default=300.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--optimal-only", action="store_true", help="only the exact optimal round (and its check)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--ranking", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        n, m = map(int, args.one.split("x"))
        print(json.dumps(one_size(n, m, args)))
        return
    if args.ranking:
        print(json.dumps(ranking(args)))
        return
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)  # before the long run, not after it (e.g. var/)
    results: dict[str, Any] = {"machine": machine(), "sizes": []}
    print(json.dumps(results["machine"]))
    passthrough = [
        f"--exact-max-pairs={args.exact_max_pairs}",
        f"--pypi-max-pairs={args.pypi_max_pairs}",
        f"--pypi-timeout={args.pypi_timeout}",
        *(["--optimal-only"] if args.optimal_only else []),
    ]
    for size in args.sizes.split(","):
        done = subprocess.run(
            [sys.executable, __file__, "--one", size, *passthrough], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            print(f"\n== {size} failed ==\n{done.stderr[-2000:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        results["sizes"].append(row)
        report(row)
    if args.optimal_only:
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
        return
    done = subprocess.run([sys.executable, __file__, "--ranking"], capture_output=True, text=True, check=True)
    results["ranking"] = json.loads(done.stdout.strip().splitlines()[-1])
    r = results["ranking"]
    print(
        f"\n== ranking 5,000 mentors for one trainee ==\nmedian {r['rank_5000_median_ms']:.2f} ms "
        f"(p95 {r['rank_5000_p95_ms']:.2f} ms); pure Python {r['python_rank_5000_median_ms']:.1f} ms = "
        f"{r['python_rank_5000_median_ms'] / r['rank_5000_median_ms']:.0f}×"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
