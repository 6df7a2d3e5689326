"""Time a coordinator approving a whole round's proposals: the admin's "Select all → Approve selected matches" as
one POST (the request a coordinator's click sends), and the service it calls, on PostgreSQL.

    .venv/bin/python bench/approvals.py [--mentors 160] [--trainees 300] [--runs 3]

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/mentorship_approvals_bench), created and migrated on first use. Each run starts
from a fresh optimal round over the program (so about one proposal per trainee), then approves every proposal
through the admin and counts queries; prints each run and the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import django_on_own_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mentorship_approvals_bench"
PROGRAM = "Bench approvals"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentors", type=int, default=160)
    parser.add_argument("--trainees", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    django_on_own_database(DEFAULT_URL, DEBUG="1")
    from django.conf import settings
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]

    from matching.models import Match, MatchingRound, Program
    from matching.services import rounds
    from notifications.models import Notification
    from profiles.demo import ensure_bench_people
    from profiles.models import MentorProfile, TraineeProfile, User

    ensure_bench_people(mentors=args.mentors, trainees=args.trainees)
    Match.objects.filter(program__name=PROGRAM).delete()
    Program.objects.filter(name=PROGRAM).delete()
    program = Program.objects.create(name=PROGRAM, open_to_all=False)
    program.mentors.set(MentorProfile.objects.filter(user__email__startswith="mentor-")[: args.mentors])
    program.trainees.set(TraineeProfile.objects.filter(user__email__startswith="trainee-")[: args.trainees])
    coordinator, _ = User.objects.get_or_create(
        email="bench-coordinator@bench.invalid",
        defaults={"full_name": "Bench Coordinator", "is_staff": True, "is_superuser": True},
    )
    program.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator, backend="profiles.backends.EmailBackend")
    changelist = reverse("admin:matching_match_changelist")

    seconds: list[float] = []
    for run in range(args.runs):
        Notification.objects.filter(object_type="match").delete()
        Match.objects.filter(program=program).delete()
        matching_round = MatchingRound.objects.create(program=program, algorithm="optimal", started_by=coordinator)
        rounds.round_run(matching_round=matching_round)
        proposals = list(Match.objects.filter(round=matching_round).values_list("pk", flat=True))
        body = {"action": "approve_selected", ACTION_CHECKBOX_NAME: proposals, "index": "0"}
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.post(f"{changelist}?round__id__exact={matching_round.pk}", body)
            took = time.perf_counter() - t0
        if response.status_code != 302:
            raise SystemExit(f"the admin answered {response.status_code}")
        approved = Match.objects.filter(round=matching_round, status=Match.Status.APPROVED).count()
        over = [
            m.pk
            for m in MentorProfile.objects.filter(programs=program)
            if m.matches.filter(status=Match.Status.APPROVED).count() > m.capacity
        ]
        seconds.append(took)
        print(
            f"run {run + 1}: {len(proposals)} proposals, {approved} approved in one POST: {took:.2f} s, "
            f"{len(queries)} queries; mentors over capacity: {len(over)}",
            flush=True,
        )
    print(f"\nmedian of {args.runs}: {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main()
