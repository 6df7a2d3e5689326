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
