"""Run by test_parallel_suite.py with `pytest -n 2 --dist each`: each xdist process writes down the Redis database
its cache and Celery would use. Not collected on its own (the name is not test_*.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache

from mentorship.celery import app


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Replaces the suite's own: the probe must not empty a Redis database that another test may be using."""


def test_write_down_what_this_process_uses() -> None:
    record = {
        "redis_url_env": os.environ.get("REDIS_URL", ""),
        "cache": list(getattr(cache._cache, "_servers", [])),
        "broker": app.connection_for_write().as_uri(),
    }
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    Path(os.environ["XDIST_PROBE_OUT"], f"{worker}.json").write_text(json.dumps(record))
