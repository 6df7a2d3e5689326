"""Shared fixtures: the personas (trainee, mentor, coordinator, outsider), fast hashing, and the browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM calls there.
# Tests only: never set in the application's environment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "var" / "test-artifacts"))


# --- One Redis database per pytest-xdist process ----------------------------------------------------------------
# `make test` runs the suite in several processes (gw0, gw1, ...; PYTEST_XDIST_WORKER names this one). Each test's
# cache.clear() empties its whole Redis database, and the worker tests flush it and start a Celery worker that takes
# every message in it: sharing one database, a test in one process would empty the queue a test in another is
# counting, or its Celery worker would send the other process's notifications. Process N uses REDIS_URL's database
# number plus N (gw0 the number itself, so a run without xdist is unchanged). Django's settings are read by now, but
# neither the cache nor Celery has read them yet. (Without Redis there is nothing to share: the cache is in memory,
# and no test leaves a message in the filesystem broker's folder.)


def redis_url_for_worker(url: str, worker: int) -> str:
    """`redis://host:6379/8` for process 0, `.../9` for process 1 (no number in the path is database 0)."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if path and not path.isdigit():
        raise pytest.UsageError(f"REDIS_URL={url!r}: the path must be a database number, as in redis://host:6379/8.")
    return urlunsplit(parts._replace(path=f"/{int(path or 0) + worker}"))


def _refuse_a_database_redis_lacks(url: str) -> None:
    """Redis has 16 databases (0-15) unless configured otherwise: say so before starting rather than in every test."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.ResponseError as error:
        raise pytest.UsageError(
            f"{url}: {error}. Each parallel test process uses REDIS_URL's database number plus its own (0, 1, ...): "
            "set a lower number in REDIS_URL (redis://127.0.0.1:6379/8 leaves room for 8), or fewer processes "
            "(PYTEST_WORKERS=1 make test runs one)."
        ) from None
    except redis.ConnectionError:
        pass  # the tests that need Redis say so themselves


def _own_redis_database() -> None:
    from django.conf import settings

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if settings.REDIS_URL and worker:
        url = redis_url_for_worker(settings.REDIS_URL, worker)
        os.environ["REDIS_URL"] = url  # the worker tests hand it to the Celery workers they start
        settings.REDIS_URL = settings.CELERY_BROKER_URL = url
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}


_own_redis_database()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    processes = getattr(config.option, "numprocesses", None)  # -n, a number by now; the workers have none
    if isinstance(processes, int) and processes > 1 and settings.REDIS_URL:
        _refuse_a_database_redis_lacks(redis_url_for_worker(settings.REDIS_URL, processes - 1))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _password_reset_emails_sent_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reset form queues its e-mail for the worker (profiles.passwords); tests read mail.outbox right after the
    POST, so the queued task runs at once, in the test (test_password_reset checks the queueing itself)."""
    from profiles.tasks import send_password_reset

    monkeypatch.setattr(send_password_reset, "delay", lambda *args: send_password_reset.apply(args=args))


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        _require_serialized_rollback(item)
        _require_browser_marker_for_page(item)
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)"))
        if "worker" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://... (CI does)"))


def _require_browser_marker_for_page(item: pytest.Item) -> None:
    """An argument named `page` is pytest-playwright's fixture, whose plugin also parametrizes the test by browser:
    a test that meant a page number (`@pytest.mark.parametrize("page", ...)`) became a browser test, and a run of
    tests/api and tests/notifications under xdist then failed hundreds of ordinary tests on emptied tables
    ("Specialty matching query does not exist"; seen 2026-12-01).
    Only the browser tests, marked so, may take `page`."""
    if "page" in getattr(item, "fixturenames", ()) and "browser" not in item.keywords:
        raise pytest.UsageError(
            f"{item.nodeid}: `page` is Playwright's fixture; mark a browser test `browser`, or name the argument "
            "otherwise (see tests/conftest.py)"
        )


def _require_serialized_rollback(item: pytest.Item) -> None:
    """A test with real commits empties every table when it ends; without serialized rollback the data the
    migrations seeded (content types, the taxonomy) comes back under other ids, and the next test that restores
    the seeded data fails on them ("UNIQUE constraint failed: django_content_type…"), or only in some orders."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True as well (see tests/conftest.py)"
        )


# --- Browser (Playwright driving Debian's Chromium; never a downloaded browser) ---------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium (.ci/run does)."
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing browser is a failure, never a silent skip
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def login(client: Client) -> Any:
    """`login(user)` signs the test client in as that persona."""

    def _login(user: Any) -> Client:
        client.force_login(user, backend="profiles.backends.EmailBackend")
        return client

    return _login


# --- Personas (healthchecks' alice, bob and charlie): each test says who is asking ---------------------------


@pytest.fixture
def trainee(db: None) -> Any:
    from tests.factories import TraineeProfileFactory

    return TraineeProfileFactory(user__full_name="Tara Trainee", user__email="tara@example.org")


@pytest.fixture
def mentor(db: None) -> Any:
    from tests.factories import MentorProfileFactory

    return MentorProfileFactory(user__full_name="Dr Maya Patel", user__email="maya@example.org")


@pytest.fixture
def coordinator(db: None) -> Any:
    from tests.factories import CoordinatorFactory

    return CoordinatorFactory(full_name="Cora Coordinator", email="cora@example.org")


@pytest.fixture
def outsider(db: None) -> Any:
    from tests.factories import TraineeProfileFactory

    return TraineeProfileFactory(user__full_name="Oscar Outsider", user__email="oscar@example.org")


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (live server, threads, real workers) truncate every table when they end, and the
    serialized restore has been seen to leave the migration-seeded taxonomy empty for the next one (SQLite in
    memory, and after threaded PostgreSQL tests). Seed it again, idempotently, as migration 0002 does, and give
    the Coordinators group its admin permissions again as `migrate` does: a group seeded without them made the
    next coordinator's admin page a 403, in whichever test came after such a loss."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.management import create_contenttypes

    from profiles.apps import COORDINATOR_PERMISSIONS, grant_coordinator_permissions
    from profiles.models import COORDINATORS_GROUP, Language

    group = Group.objects.filter(name=COORDINATORS_GROUP).first()
    if Language.objects.exists() and group is not None and group.permissions.exists():
        return
    importlib.import_module("profiles.migrations.0002_seed_reference_data").seed(apps, None)
    for label in COORDINATOR_PERMISSIONS:
        config = apps.get_app_config(label)
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)
        grant_coordinator_permissions(config, apps=apps)
