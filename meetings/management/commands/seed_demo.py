"""`python manage.py seed_demo`: the demo program with its people (idempotent), or big sets for benchmarks.

The command only composes functions; another app adds its demo data by adding one call to `handle`.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.demo import ensure_demo_inbox, ensure_demo_requests
from matching.models import Program
from meetings.demo import ensure_demo_meetings
from profiles.demo import ensure_bench_people, ensure_demo_people, ensure_fixed_accounts, fixed_logins
from profiles.models import User

DEMO_PROGRAM = "Academic Medicine Mentoring 2026"


def ensure_demo_program(*, coordinator: User) -> Program:
    program, _ = Program.objects.get_or_create(
        name=DEMO_PROGRAM,
        defaults={
            "description": "A year-long mentoring program for medical students, residents and fellows, open to "
            "every mentor and trainee on the platform.",
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31),
            "open_to_all": True,
        },
    )
    program.coordinators.add(coordinator)
    return program


def refresh_derived_data() -> None:
    """Bulk inserts send no model signals, so caches of profile-derived data are refreshed once here."""
    from matching.features import invalidate_mentor_features

    invalidate_mentor_features()


class Command(BaseCommand):
    help = "Load the demo program and people (idempotent); --mentors/--trainees add large benchmark sets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentors", type=int, default=0, help="Also build N benchmark mentors (bulk).")
        parser.add_argument("--trainees", type=int, default=0, help="Also build M benchmark trainees (bulk).")
        parser.add_argument("--print-logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args: Any, mentors: int, trainees: int, print_logins: bool, **options: Any) -> None:
        if print_logins:
            for role, email, password in fixed_logins():
                self.stdout.write(f"  {role:<12} {email:<36} password: {password}")
            return
        if mentors < 0 or trainees < 0:
            raise CommandError("--mentors and --trainees cannot be negative.")
        started = time.perf_counter()
        accounts = ensure_fixed_accounts()
        program = ensure_demo_program(coordinator=accounts.coordinator)
        written = ensure_demo_people()
        self.stdout.write(
            f"Demo program “{program.name}”: {written.users} new people "
            f"({written.mentors} mentor and {written.trainees} trainee profiles, {written.goals} goals)."
        )
        refresh_derived_data()
        history = ensure_demo_meetings(program=program, coordinator=accounts.coordinator)
        requests = ensure_demo_requests(program=program)
        ensure_demo_inbox(program=program)
        self.stdout.write(
            f"Demo activity: {history.matches} new approved matches with {history.meetings} meetings, "
            f"{history.session_logs} session logs and {history.feedback} feedback answers; {requests} open requests."
        )
        if mentors or trainees:
            bench = ensure_bench_people(mentors=mentors, trainees=trainees)
            self.stdout.write(
                f"Benchmark set {mentors} × {trainees}: {bench.users} new people "
                f"({bench.mentors} mentor and {bench.trainees} trainee profiles)."
            )
        refresh_derived_data()
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
