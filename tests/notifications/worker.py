"""The command line of a real Celery worker, as the reliability tests and bench/notifications.py start it."""

from __future__ import annotations

import sys
import uuid


def celery_worker_argv(*, name: str, loglevel: str) -> list[str]:
    """Prefork with two processes, as deployed; no heartbeat, mingle or gossip, so start-up and kills are quick."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "mentorship",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "2",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "--loglevel",
        loglevel,
        "--hostname",
        f"{name}-{uuid.uuid4().hex[:6]}@%h",
    ]
