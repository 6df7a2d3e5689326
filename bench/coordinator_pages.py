"""Benchmark: the coordinator's pages and CSV exports of a 20,000-trainee program, server time and SQL queries.

    .venv/bin/python bench/round.py --runs 1         # first: seeds the program and runs a round (9,065 proposals)
    .venv/bin/python bench/coordinator_pages.py [--requests 7]

Reads the "Bench round" program that `bench/round.py` leaves in its own PostgreSQL database (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/mentorship_h4_bench) and requests each page as that program's
coordinator with Django's test Client: one warm-up, then `--requests` timed requests (a CSV read to its end), the
median and the slowest, and the queries of one more.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.round import DEFAULT_URL  # noqa: E402 - the database bench/round.py leaves its program in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=7)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from matching.models import Match, MatchingRound, Program
    from profiles.models import COORDINATORS_GROUP

    program = Program.objects.filter(name="Bench round").first()
    matching_round = MatchingRound.objects.filter(program=program).order_by("-pk").first()
    if program is None or matching_round is None:
        sys.exit("No bench program with a round: run `.venv/bin/python bench/round.py --runs 1` first.")
    coordinator = program.coordinators.get(email="bench-coordinator@bench.invalid")  # as bench/round.py makes it
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client = Client()
    client.force_login(coordinator, backend="profiles.backends.EmailBackend")

    export = f"/admin/matching/program/{program.pk}/export"
    pages = {
        "admin index (Your programs)": "/admin/",
        "program health": f"/admin/matching/program/{program.pk}/health/",
        "matches of the round": f"/admin/matching/match/?round__id__exact={matching_round.pk}",
        "round page (quality report)": f"/admin/matching/matchinground/{matching_round.pk}/change/",
        "trainee profiles": "/admin/profiles/traineeprofile/",
        "CSV: mentor load": f"{export}/mentor-load.csv",
        "CSV: roster": f"{export}/roster.csv",
        "CSV: matches": f"{export}/matches.csv",
        "CSV: trainees without a mentor": f"{export}/without-mentor.csv",
    }

    def get(url: str) -> int:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return int(response.status_code)

    print(
        f"database: {connection.vendor} · {program.trainees.count():,} trainees × {program.mentors.count():,} mentors"
        f" · {Match.objects.filter(program=program).count():,} matches"
    )
    print(f"machine: {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'page':32} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, url in pages.items():
        status = get(url)
        if status != 200:
            sys.exit(f"{name}: HTTP {status} for {url}")
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            get(url)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            get(url)
        print(f"{name:32} {statistics.median(timings):>10.0f} {max(timings):>8.0f} {len(queries):>8}")


if __name__ == "__main__":
    main()
