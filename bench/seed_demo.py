"""Time `seed_demo`: the demo set, a large benchmark set (bulk inserts), and a second run (idempotent, no writes).

    .venv/bin/python bench/seed_demo.py                       # SQLite in a temporary file
    .venv/bin/python bench/seed_demo.py --database-url postgres://postgres@127.0.0.1:5432/mentorship_bench

Each repetition starts from a freshly migrated, empty database (a PostgreSQL database is dropped and re-created:
give it a name of its own). Prints the median of the repetitions for each step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def fresh_database(url: str, tmp: Path, rep: int) -> str:
    if not url:
        return f"sqlite:///{tmp / f'bench-{rep}.sqlite3'}"
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="postgres://… (default: SQLite in a temporary file)")
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--trainees", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    size = ["--mentors", str(options.mentors), "--trainees", str(options.trainees)]
    steps: dict[str, list[float]] = {"demo set (60 × 200 + logins)": [], "benchmark set, first load": [],
                                     "benchmark set, second run": []}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(options.repeat):
            env = {**os.environ, "DATABASE_URL": fresh_database(options.database_url, Path(tmp), rep)}
            env.pop("REDIS_URL", None)  # the cache refresh at the end is not what is measured
            manage(env, "migrate", "--noinput", "-v0")
            timings = (manage(env, "seed_demo"), manage(env, "seed_demo", *size), manage(env, "seed_demo", *size))
            for name, seconds in zip(steps, timings, strict=True):
                steps[name].append(seconds)
    engine = "PostgreSQL" if options.database_url else "SQLite"
    print(f"seed_demo on {engine}, {options.mentors} mentors × {options.trainees} trainees, "
          f"{options.repeat} runs, {os.cpu_count()} CPUs (wall seconds, including Django start-up ≈ 1 s)")  # fmt: skip
    for name, values in steps.items():
        print(
            f"  {name:<32} median {statistics.median(values):6.1f} s   (min {min(values):.1f}, max {max(values):.1f})"
        )


if __name__ == "__main__":
    main()
