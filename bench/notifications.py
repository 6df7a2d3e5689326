"""Time 10,000 due notifications through Redis and a real two-process Celery worker, and count the dispatcher's
queries per batch at two backlog sizes.

    .venv/bin/python bench/notifications.py [--count 10000] [--runs 3]

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mentorship_h5_bench,
created and migrated on first use) and Redis db 6 (BENCH_REDIS_URL). The worker renders every e-mail (subject, text,
HTML and the meeting's .ics) and builds the MIME message; only the SMTP hop is left out (bench/null_mail.py).
Each message is a meeting reminder about one of 50 meetings, so templates load real related rows.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import ensure_database  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/mentorship_h5_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"


def _meetings(count: int) -> list:
    """50 accepted meetings between synthetic pairs (created once)."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Meeting
    from tests.factories import MeetingFactory, approved_match

    existing: list[Meeting] = list(Meeting.objects.filter(agenda="bench")[:count])
    while len(existing) < count:
        existing.append(
            MeetingFactory.create(
                match=approved_match(), agenda="bench", start=timezone.now() + timedelta(days=30 + len(existing))
            )
        )
    return existing


def _seed(count: int, meetings: list) -> None:
    from django.utils import timezone

    from notifications.models import Notification

    Notification.objects.all().delete()
    now = timezone.now()
    run = uuid.uuid4().hex[:8]
    rows = []
    for i in range(count):
        meeting = meetings[i % len(meetings)]
        recipient = meeting.match.mentor.user if i % 2 else meeting.match.trainee.user
        rows.append(
            Notification(
                recipient=recipient,
                kind="meeting_reminder",
                object_type="meeting",
                object_id=meeting.pk,
                context={"lead_hours": 24},
                due_at=now,
                dedup_key=f"bench:{run}:{i}",
            )
        )
    Notification.objects.bulk_create(rows, batch_size=2000)


def _queries_per_batch(backlog: int, meetings: list) -> tuple[int, int]:
    """Queries of one notifications_dispatch_due call over `backlog` due rows, and its number of batches (nothing enqueued)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import dispatch

    _seed(backlog, meetings)
    with CaptureQueriesContext(connection) as captured:
        report = dispatch.notifications_dispatch_due(enqueue=lambda pk, claim: None)
    return len(captured), report.batches


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    from tests.notifications.worker import celery_worker_argv

    out = log.open("wb")
    process = subprocess.Popen(
        celery_worker_argv(name="bench", loglevel="WARNING"),
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    time.sleep(4)  # the worker logs nothing at WARNING when ready; its first tasks simply wait in Redis
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    ensure_database(db_url)
    os.environ.update(
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        DEBUG="false",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="localhost",
        EMAIL_BACKEND="bench.null_mail.BuildOnlyBackend",
        DJANGO_SETTINGS_MODULE="mentorship.settings",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from notifications import dispatch
    from notifications.models import Notification
    from notifications.tasks import send_enqueuer

    call_command("migrate", verbosity=0)
    meetings = _meetings(50)

    for backlog in (1_000, args.count):
        queries, batches = _queries_per_batch(backlog, meetings)
        print(
            f"dispatcher: backlog {backlog:>6}: {queries} queries in {batches} batches "
            f"→ {(queries - 8) / batches:.1f} per batch (+8 fixed)"
        )

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    timings = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(1, args.runs + 1):
            redis.Redis.from_url(redis_url).flushdb()
            _seed(args.count, meetings)
            worker = _start_worker(env, Path(tmp) / f"worker-{run}.log")
            try:
                started = time.perf_counter()
                with send_enqueuer() as enqueue:
                    report = dispatch.notifications_dispatch_due(enqueue=enqueue)
                dispatched = time.perf_counter() - started
                while Notification.objects.filter(state=Notification.State.SENT).count() < args.count:
                    if time.perf_counter() - started > 300:
                        raise SystemExit(
                            "gave up after 300 s:\n" + (Path(tmp) / f"worker-{run}.log").read_text()[-2000:]
                        )
                    time.sleep(0.25)
                elapsed = time.perf_counter() - started
            finally:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
                if os.environ.get("BENCH_KEEP_LOG"):
                    Path(os.environ["BENCH_KEEP_LOG"]).write_bytes((Path(tmp) / f"worker-{run}.log").read_bytes())
            failed = Notification.objects.exclude(state=Notification.State.SENT).count()
            timings.append(elapsed)
            load = os.getloadavg()[0]
            print(
                f"load average {load:.1f}; run {run}: {args.count} sent in {elapsed:.1f} s ({args.count / elapsed:.0f}/s); "
                f"claim+enqueue {dispatched:.1f} s in {report.batches} batches; not sent: {failed}"
            )
    median = statistics.median(timings)
    print(
        f"median over {len(timings)} runs: {median:.1f} s for {args.count} notifications "
        f"({args.count / median:.0f}/s, 2 worker processes, {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
