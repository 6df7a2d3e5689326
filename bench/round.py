"""Time a full matching round from the database: load, score, assign, write proposals, per stage.

    .venv/bin/python bench/round.py [--mentors 4000] [--trainees 20000] [--runs 3] [--algorithm optimal]

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mentorship_h4_bench),
created and migrated on first use; the people are seeded once (re-running adds nobody). Prints the median of each
stage over the runs. Every run after the first also cancels the previous run's proposals, as a real re-run does.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import django_on_own_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mentorship_h4_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentors", type=int, default=4000)
    parser.add_argument("--trainees", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--algorithm", choices=["optimal", "stable"], default="optimal")
    args = parser.parse_args()

    django_on_own_database(DEFAULT_URL)

    from matching.models import Match, MatchingRound, Program
    from matching.services import round_engine, rounds
    from profiles.demo import ensure_bench_people
    from profiles.models import MentorProfile, TraineeProfile, User

    started = time.perf_counter()
    written = ensure_bench_people(mentors=args.mentors, trainees=args.trainees)
    print(f"seeded {written.users} new people in {time.perf_counter() - started:.1f} s", flush=True)
    Match.objects.filter(program__name="Bench round").delete()
    Program.objects.filter(name="Bench round").delete()
    program = Program.objects.create(name="Bench round", open_to_all=False)
    program.mentors.set(MentorProfile.objects.filter(user__email__startswith="mentor-")[: args.mentors])
    program.trainees.set(TraineeProfile.objects.filter(user__email__startswith="trainee-")[: args.trainees])
    coordinator, _ = User.objects.get_or_create(
        email="bench-coordinator@bench.invalid", defaults={"full_name": "Bench Coordinator", "is_staff": True}
    )
    program.coordinators.add(coordinator)

    marks: list[tuple[str, float]] = []
    real_stage, real_explain = rounds._stage, round_engine.explain_pairs

    def stage(matching_round: MatchingRound, name: str, progress: int) -> None:
        marks.append((name, time.perf_counter()))
        real_stage(matching_round, name, progress)

    def explain(*a, **k):  # type: ignore[no-untyped-def]
        marks.append(("explaining", time.perf_counter()))
        result = real_explain(*a, **k)
        marks.append(("writing", time.perf_counter()))
        return result

    rounds._stage = stage  # type: ignore[assignment]
    round_engine.explain_pairs = explain  # type: ignore[assignment]

    table: dict[str, list[float]] = {}
    for run in range(args.runs):
        marks.clear()
        matching_round = MatchingRound.objects.create(program=program, algorithm=args.algorithm, started_by=coordinator)
        t0 = time.perf_counter()
        marks.append(("loading", t0))
        done = rounds.round_run(matching_round=matching_round)
        end = time.perf_counter()
        if done.status != MatchingRound.Status.DONE:
            raise SystemExit(f"round failed: {done.error}")
        # The engine scores and assigns in one fused call (stage "scoring"); "assigning" is our check of its answer.
        names = {"loading": "load", "scoring": "score+assign", "assigning": "check", "explaining": "explain",
                 "writing": "write proposals"}  # fmt: skip
        timeline = [(n, t) for n, t in marks if n in names] + [("end", end)]
        per_stage = {names[n]: t1 - t for (n, t), (_, t1) in itertools.pairwise(timeline)}
        per_stage["total"] = end - t0
        for key, value in per_stage.items():
            table.setdefault(key, []).append(value)
        quality = done.quality
        print(
            f"run {run + 1}: total {end - t0:.2f} s · "
            + " · ".join(f"{k} {v:.2f}" for k, v in per_stage.items() if k != "total")
            + f" · proposals {Match.objects.filter(round=done).count()} · matched {quality['matched_pct_of_possible']:.1f}% "
            f"· top-3 {quality['top3_pct']:.1f}% · mean score {quality['mean_score']:.1f}"
            f" · load spread {quality.get('load_gini')} · blocking pairs {quality.get('blocking_pairs')}"
            f" · not written {quality.get('not_written', 0)}",
            flush=True,
        )
    print(f"\n{args.trainees} trainees × {args.mentors} mentors, {args.algorithm}, median of {args.runs} runs:")
    for key, values in table.items():
        print(f"  {key:<16} {statistics.median(values):6.2f} s")


if __name__ == "__main__":
    main()
