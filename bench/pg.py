"""PostgreSQL helpers shared by the benchmarks that keep their own database."""

from __future__ import annotations


def ensure_database(url: str) -> None:
    """Create the database named at the end of `url` unless it exists (connecting to `postgres` to do so)."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def django_on_own_database(default_url: str, **environment: str) -> None:
    """Point Django at the benchmark's own database (BENCH_DATABASE_URL, else `default_url`), create it if
    missing, set Django up and migrate it; `environment` holds further variables' defaults."""
    import os

    url = os.environ.get("BENCH_DATABASE_URL", default_url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name, value in environment.items():
        os.environ.setdefault(name, value)
    ensure_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
