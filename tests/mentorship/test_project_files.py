"""docker-compose.yml cannot be run here (no Docker engine), so check what can be checked without one."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_defines_the_whole_stack_with_health_checks() -> None:
    services = _compose()["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name


def test_every_compose_command_exists_in_the_project() -> None:
    from celery import Celery
    from django.core.management import get_commands

    import mentorship.wsgi

    services = _compose()["services"]
    for name, service in services.items():
        command = service.get("command")
        if command is None or name in {"db", "redis"}:
            continue
        argv = command if isinstance(command, list) else shlex.split(command)
        if argv[0] == "gunicorn":
            module, attr = argv[1].split(":")
            assert module == "mentorship.wsgi"
            assert hasattr(mentorship.wsgi, attr)
        elif argv[0] == "celery":
            assert argv[1:3] == ["-A", "mentorship"]
            import mentorship

            assert isinstance(mentorship.celery_app, Celery)
            assert argv[3] in {"worker", "beat"}
        elif argv[:2] == ["python", "manage.py"]:
            assert argv[2] in get_commands(), argv
        else:
            raise AssertionError(f"unknown command for {name}: {argv}")


def test_the_dockerfile_runs_gunicorn_on_the_wsgi_app() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "mentorship.wsgi:application" in text
    assert "collectstatic" in text


def test_procfile_for_make_run_starts_web_worker_and_beat() -> None:
    lines = dict(line.split(":", 1) for line in (ROOT / "Procfile.dev").read_text().splitlines() if line.strip())
    assert set(lines) == {"web", "worker", "beat"}
    assert "celery -A mentorship worker" in lines["worker"]
    assert "celery -A mentorship beat" in lines["beat"]


def test_make_run_reads_no_env_file_made_for_compose(tmp_path: Path) -> None:
    # Found in review: honcho loads ./.env by default, so a .env copied from .env.example for docker compose
    # (SITE_URL, EMAIL_BACKEND=smtp, ...) changed make run's web, worker and beat, and not its migrate and seed_demo.
    import os
    import re
    import subprocess
    import sys

    found = re.search(r"\$\(VENV\)/bin/honcho (?P<args>[^\n]+)", (ROOT / "Makefile").read_text())
    assert found is not None
    (tmp_path / ".env").write_text("SITE_URL=https://mentoring.example.org\n")
    (tmp_path / "Procfile.dev").write_text("web: echo SITE_URL=$SITE_URL\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "honcho"), *found["args"].split()],
        cwd=tmp_path,
        env={**os.environ, "SITE_URL": "http://127.0.0.1:8000"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "SITE_URL=http://127.0.0.1:8000" in done.stdout, done.stdout + done.stderr


def test_every_variable_read_by_settings_is_documented_in_env_example() -> None:
    import re

    settings_text = (ROOT / "mentorship" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list|time_zone|url)\(\s*"([A-Z_]+)"', settings_text))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()


def test_compose_is_production_and_every_app_service_waits_for_migrate() -> None:
    # Before: .env.example's DEBUG=true reached the containers (the comment asked only for SECRET_KEY and
    # ALLOWED_HOSTS), and worker and beat started against a database migrate had not finished.
    compose = _compose()
    app_environment = compose["x-app"]["environment"]
    assert app_environment["DEBUG"] == "false"
    assert app_environment["STATIC_ROOT"] == "/app/staticfiles"
    # compose substitutes .env's value, or 1 (the TLS proxy in front) when it is empty or missing.
    assert app_environment["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DEBUG"] == "false", name  # the anchor's, not overridden
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends_on["db"] == {"condition": "service_healthy"}, name
        assert depends_on["redis"] == {"condition": "service_healthy"}, name


def test_compose_passes_the_mail_server_from_the_environment_and_requires_a_real_backend() -> None:
    # Tried without the fix: compose passed no e-mail variable of its own, .env.example's console backend reached
    # the containers unchallenged, and password-reset links were printed into `docker compose logs`.
    import re

    environment = _compose()["x-app"]["environment"]
    for name in ("EMAIL_BACKEND", "EMAIL_HOST", "DEFAULT_FROM_EMAIL"):
        # compose stops with the message (naming the variable) when it is unset or empty in .env and the shell.
        assert re.fullmatch(rf"\$\{{{name}:\?set {name} in \.env to [^}}]+\}}", environment[name]), name
    assert environment["EMAIL_PORT"] == "${EMAIL_PORT:-25}"
    assert environment["EMAIL_HOST_USER"] == "${EMAIL_HOST_USER:-}"
    assert environment["EMAIL_HOST_PASSWORD"] == "${EMAIL_HOST_PASSWORD:-}"
    assert environment["EMAIL_USE_TLS"] == "${EMAIL_USE_TLS:-false}"
    # .env.example leaves the required ones empty, so a copy of it stops compose until they are set (its value for
    # EMAIL_BACKEND used to be the console backend, which compose would have accepted).
    example = dict(re.findall(r"^([A-Z_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    assert example["EMAIL_BACKEND"] == example["EMAIL_HOST"] == example["DEFAULT_FROM_EMAIL"] == ""


def test_compose_config_parses_with_the_mail_server_set(tmp_path: Path) -> None:
    import shutil
    import subprocess

    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.skip("docker-compose is not installed")
    (tmp_path / "docker-compose.yml").write_text((ROOT / "docker-compose.yml").read_text())
    env_example = (ROOT / ".env.example").read_text()
    (tmp_path / ".env").write_text(env_example)
    clean = {"PATH": "/usr/bin:/bin"}
    missing = subprocess.run([compose, "config"], cwd=tmp_path, env=clean, capture_output=True, text=True)
    assert missing.returncode != 0
    assert "set EMAIL_BACKEND in .env to django.core.mail.backends.smtp.EmailBackend" in missing.stderr
    mail = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.edu",
        "DEFAULT_FROM_EMAIL": "Mentorship <mentoring@example.edu>",
    }
    parsed = subprocess.run([compose, "config"], cwd=tmp_path, env={**clean, **mail}, capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stderr
    worker = yaml.safe_load(parsed.stdout)["services"]["worker"]["environment"]
    assert {name: worker[name] for name in mail} == mail
    assert (worker["EMAIL_PORT"], worker["EMAIL_USE_TLS"], worker["DEBUG"]) == ("25", "false", "false")


def test_gunicorn_is_published_to_this_host_only() -> None:
    # Before: "8000:8000" let anyone reach gunicorn around the TLS proxy and claim any X-Forwarded-For/-Proto.
    assert _compose()["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]


def _dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored_by_docker(path: str) -> bool:
    """Docker's rule for a top-level path: the last matching pattern wins, `!` re-includes (enough for ours)."""
    from fnmatch import fnmatch

    ignored = False
    for pattern in _dockerignore_patterns():
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").removeprefix("**/").rstrip("/")
        if fnmatch(path, pattern) or fnmatch(path.split("/")[-1], pattern) or path.startswith(pattern + "/"):
            ignored = not negated
    return ignored


def test_the_image_leaves_out_secrets_local_data_and_caches() -> None:
    # Before: there was no .dockerignore, so `COPY . .` put .env (the secret key, the database password), .venv,
    # var/ (the SQLite database and its people) and .git into the image.
    for path in (
        ".env",
        ".env.production",
        ".venv",
        "var",
        "var/db.sqlite3",
        ".git",
        "staticfiles",
        "profiles/__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "test-results",
    ):
        assert _ignored_by_docker(path), path


def test_the_image_keeps_what_the_dockerfile_and_the_app_need() -> None:
    for path in (
        "requirements.txt",
        "manage.py",
        "mentorship/settings.py",
        "profiles/services/__init__.py",
        "static",
        "templates",
        ".env.example",
    ):
        assert (ROOT / path).exists(), path
        assert not _ignored_by_docker(path), path


def test_the_image_collects_static_files_outside_var_dir() -> None:
    # Before: collectstatic wrote to VAR_DIR/staticfiles, so VAR_DIR or STATIC_ROOT set at run time hid them.
    text = (ROOT / "Dockerfile").read_text()
    assert "STATIC_ROOT=/app/staticfiles" in text
    assert "SITE_URL=" in text.split("collectstatic")[0]  # the build's settings load with DEBUG off


def test_ci_installs_make_and_venv_and_never_waits_for_a_password() -> None:
    import subprocess

    script = ROOT / ".ci" / "run"
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
    text = script.read_text()
    # Before: a clean Debian lacked make and python3-venv (`python3 -m venv` failed), and `psql` without -w could
    # sit at a password prompt for ever.
    assert "apt_install make" in text
    assert "import ensurepip" in text
    assert "apt_install python3 python3-venv" in text
    for line in text.splitlines():
        if "psql " in line and not line.lstrip().startswith("#"):
            assert " -w " in line, line
