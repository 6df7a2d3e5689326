"""`make test` runs the suite in pytest-xdist processes (gw0, gw1, ...). Each must have a Redis database of its own:
each test's cache.clear() empties its whole database, and a worker test's Celery worker takes every message there,
so two processes sharing one emptied each other's queues and sent each other's notifications."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import redis_url_for_worker

ROOT = Path(settings.BASE_DIR)
# The probe needs neither a browser nor schemathesis: leaving their plugins out saves seconds in each process.
LIGHT = ["-p", "no:cacheprovider", "-p", "no:playwright", "-p", "no:schemathesis", "-p", "no:hypothesispytest"]
PROBE = ["-n", "2", "--dist", "each", "tests/mentorship/xdist_probe.py"]


def test_each_parallel_process_has_a_redis_database_of_its_own(tmp_path: Path) -> None:
    # Nothing connects to Redis here (a database number Redis lacks is refused only where one answers): the probe
    # writes down what its cache and Celery would connect to.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env |= {"REDIS_URL": "redis://127.0.0.1:6379/3", "XDIST_PROBE_OUT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *LIGHT, "--basetemp", str(tmp_path / "t"), *PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    seen = {path.stem: json.loads(path.read_text()) for path in tmp_path.glob("gw*.json")}

    assert set(seen) == {"gw0", "gw1"}
    for worker, db in (("gw0", 3), ("gw1", 4)):
        url = f"redis://127.0.0.1:6379/{db}"
        assert seen[worker]["cache"] == [url]
        assert seen[worker]["broker"] == f"redis://:**@127.0.0.1:6379/{db}"
        assert seen[worker]["redis_url_env"] == url  # what the worker tests hand to the Celery workers they start


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/8", 0, "redis://127.0.0.1:6379/8"),
        ("redis://127.0.0.1:6379/8", 3, "redis://127.0.0.1:6379/11"),
        ("redis://:secret@redis:6379", 1, "redis://:secret@redis:6379/1"),
        (
            "rediss://cache.example.org:6380/0?ssl_cert_reqs=none",
            2,
            "rediss://cache.example.org:6380/2?ssl_cert_reqs=none",
        ),
    ],
)
def test_the_database_number_is_redis_urls_plus_the_processs(url: str, worker: int, expected: str) -> None:
    assert redis_url_for_worker(url, worker) == expected


def test_a_redis_url_whose_path_is_not_a_database_number_is_refused() -> None:
    with pytest.raises(pytest.UsageError, match="must be a database number"):
        redis_url_for_worker("redis://127.0.0.1:6379/cache", 1)
