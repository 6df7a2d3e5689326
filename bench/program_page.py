"""Benchmark: a program's admin page with 25,000 people enrolled — opening it, saving it, its people's lists and
*Remove from program…* — server time, SQL queries and size.

    .venv/bin/python bench/program_page.py [--mentors 5000] [--trainees 20000] [--requests 7] [--remove-all]

Keeps its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/mentorship_program_bench), seeds the benchmark people there on first use
(`seed_demo`'s bulk set), enrols every one of them in the program "Bench program page" and requests each page as
its coordinator with Django's test Client: one warm-up, then `--requests` timed requests, the median and the slowest,
and the queries of one more. The removals put the people back afterwards, so it can run again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import django_on_own_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mentorship_program_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--trainees", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--remove-all", action="store_true", help="Also time removing every trainee at once.")
    args = parser.parse_args()
    django_on_own_database(DEFAULT_URL)
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from matching.models import Program
    from profiles.demo import ensure_bench_people
    from profiles.models import COORDINATORS_GROUP, TraineeProfile, User
    from tests.factories.matching import program_admin_form

    ensure_bench_people(mentors=args.mentors, trainees=args.trainees)
    program, _ = Program.objects.get_or_create(name="Bench program page", defaults={"open_to_all": False})
    with connection.cursor() as cursor:
        for role in ("mentor", "trainee"):
            cursor.execute(
                f"INSERT INTO matching_program_{role}s (program_id, {role}profile_id) "  # noqa: S608 - fixed names
                f"SELECT %s, id FROM profiles_{role}profile ON CONFLICT DO NOTHING",
                [program.pk],
            )
    coordinator, _ = User.objects.get_or_create(
        email="bench-coordinator@bench.invalid", defaults={"full_name": "Bench Coordinator", "is_staff": True}
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    program.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator, backend="profiles.backends.EmailBackend")

    print(
        f"database: {connection.vendor} · {program.mentors.count():,} mentors × {program.trainees.count():,} "
        f"trainees enrolled · {os.cpu_count()} cores · load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'request':48} {'median ms':>10} {'max ms':>8} {'queries':>8} {'bytes':>10}")

    def measure(name: str, request: Callable[[], Any], expected: int = 200, requests: int = args.requests) -> None:
        if (status := request().status_code) != expected:
            sys.exit(f"{name}: HTTP {status}")
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            request()
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            size = len(request().content)
        print(f"{name:48} {statistics.median(timings):>10.0f} {max(timings):>8.0f} {len(queries):>8} {size:>10,}")

    page = f"/admin/matching/program/{program.pk}/change/"
    measure("program page", lambda: client.get(page))
    form = {name: value for name, value in program_admin_form(program).items() if value != ""}
    measure(f"save the program page ({len(form)} fields)", lambda: client.post(page, form), expected=302)
    trainees = f"/admin/profiles/traineeprofile/?program={program.pk}"
    measure("trainee list filtered by the program", lambda: client.get(trainees))
    measure(
        "mentor list filtered by the program",
        lambda: client.get(f"/admin/profiles/mentorprofile/?program={program.pk}"),
    )
    enrolled = TraineeProfile.objects.filter(programs=program).order_by("user__full_name", "pk")
    first_page = list(enrolled.values_list("pk", flat=True)[:100])
    select_all = {"action": "remove_from_program", "select_across": 1, ACTION_CHECKBOX_NAME: first_page}
    measure("Remove from program…: its page, select all", lambda: client.post(trainees, {**select_all, "index": 0}))

    def remove(chosen: dict[str, Any], label: str) -> None:
        before = program.trainees.count()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            client.post(trainees, {**chosen, "action": "remove_from_program", "apply": 1, "program": program.pk})
        took = (time.perf_counter() - started) * 1000
        print(f"{label:48} {took:>10.0f} {'':>8} {len(queries):>8}   ({before - program.trainees.count():,} removed)")
        program.trainees.add(*TraineeProfile.objects.exclude(programs=program))  # back, for the next run

    remove({ACTION_CHECKBOX_NAME: first_page}, "Remove from program…: 100 ticked")
    if args.remove_all:
        remove(select_all, "Remove from program…: all, select all")


if __name__ == "__main__":
    main()
