"""Benchmark: the mentor directory page for one trainee, server time and SQL queries per page.

    .venv/bin/python bench/directory.py                       # SQLite file var/bench-directory.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_h3_bench .venv/bin/python bench/directory.py

Seeds (or reuses) 5,000 mentors and 20,000 trainees with bulk inserts (`seed_demo --mentors --trainees` when the
command exists, else the same bulk writer it uses), then requests /mentors/ with Django's test Client as one
trainee: warm cache, at least 50 requests per case, p50/p95 of the server time and the queries per page.
Never runs against the default database file var/db.sqlite3.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-directory.sqlite3'}")
os.environ.setdefault("DEBUG", "true")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--trainees", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--blas-threads", type=int, default=0, help="OPENBLAS_NUM_THREADS for this process (0: the library's default)"
    )
    args = parser.parse_args()
    if args.blas_threads:
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)  # before NumPy is imported

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command, get_commands
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    database = settings.DATABASES["default"]
    if str(database["NAME"]).endswith(str(Path("var") / "db.sqlite3")):
        sys.exit("Refusing to benchmark against the default database var/db.sqlite3: set DATABASE_URL.")
    call_command("migrate", verbosity=0)

    from matching.features import browsing_features, invalidate_mentor_features
    from matching.features.cache import build_browsing_features
    from matching.models import Program
    from matching.selectors import mentor_directory_for
    from matching.selectors.explaining import memo_clear
    from profiles.models import FocusArea, Language, MentorProfile, Specialty, TraineeProfile

    started = time.perf_counter()
    have = (MentorProfile.objects.count(), TraineeProfile.objects.count())
    if have[0] < args.mentors or have[1] < args.trainees:
        if "seed_demo" in get_commands():
            call_command("seed_demo", mentors=args.mentors, trainees=args.trainees, verbosity=0)
        else:
            from profiles.demo import ensure_bench_people

            ensure_bench_people(mentors=args.mentors, trainees=args.trainees)
    seeded = time.perf_counter() - started
    invalidate_mentor_features()  # bulk inserts send no signals
    Program.objects.get_or_create(name="Bench program", defaults={"open_to_all": True})
    mentors, trainees = MentorProfile.objects.count(), TraineeProfile.objects.count()

    started = time.perf_counter()
    build_browsing_features()
    cold_build = time.perf_counter() - started

    trainee = TraineeProfile.objects.select_related("user").order_by("pk").first()
    assert trainee is not None
    client = Client()
    client.force_login(trainee.user, backend="profiles.backends.EmailBackend")
    medicine = Specialty.objects.get(name="Internal Medicine")
    spanish = Language.objects.get(code="es")
    research = FocusArea.objects.order_by("position")[3]
    cases: dict[str, dict[str, str | int]] = {
        "no filter": {},
        "specialty + language": {"specialty": medicine.pk, "language": spanish.pk},
        "focus + free place + 3 h": {"focus_area": research.pk, "has_free_place": "on", "max_hours_apart": 3},
        "search 'research'": {"q": "research"},
        "page 5": {"page": 5},
        "no filter, first view": {},  # explanations not memoised: what a page costs the first time
    }
    print(
        f"database: {connection.vendor} · mentors: {mentors:,} · trainees: {trainees:,} · seeding took {seeded:.1f} s"
    )
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(
        f"machine: {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()} · BLAS threads: {blas}"
    )
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"cold build of the cached mentor arrays: {cold_build * 1000:.0f} ms")
    browsing_features()
    print(f"{'case':28} {'listed':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, query in cases.items():
        for _ in range(3):  # warm: cache, connection, templates
            client.get("/mentors/", query)
        timings = []
        for _ in range(args.requests):
            if name.endswith("first view"):
                memo_clear()
            t0 = time.perf_counter()
            response = client.get("/mentors/", query)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/mentors/", query)
        # Counted through the selector: the Client's template instrumentation would slow every timed request.
        listed = mentor_directory_for(user=trainee.user, filters=QueryDict(urlencode(query)), page=1).total
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(
            f"{name:28} {listed:>7,} {statistics.median(timings):>8.1f} {p95:>8.1f} {timings[-1]:>8.1f} "
            f"{len(queries.captured_queries):>8}"
        )


if __name__ == "__main__":
    main()
