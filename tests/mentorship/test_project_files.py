"""docker-compose.yml cannot be run here (no Docker engine), so check what can be checked without one."""

from __future__ import annotations

import shlex
from pathlib import Path

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


def test_every_variable_read_by_settings_is_documented_in_env_example() -> None:
    import re

    settings_text = (ROOT / "mentorship" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list|time_zone|url)\(\s*"([A-Z_]+)"', settings_text))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()
