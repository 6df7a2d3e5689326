"""Start-up refuses bad configuration with a message that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "x9Yq" * 15


def start(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ("check",))],
        cwd=ROOT,
        env={**clean, "VAR_DIR": str(ROOT / "var"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_bad_debug_value_stops_start_up_with_a_clear_message() -> None:
    result = start({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_debug_off_without_a_secret_key_stops_start_up() -> None:
    result = start({"DEBUG": "false", "ALLOWED_HOSTS": "mentoring.example.edu"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_without_allowed_hosts_stops_start_up() -> None:
    result = start({"DEBUG": "false", "SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TIME_ZONE", "Mars/Olympus", "is not an IANA time zone"),
        ("EMAIL_PORT", "twenty-five", "is not a whole number"),
        ("DATABASE_URL", "mysql://x", "must start with one of"),
    ],
)
def test_other_bad_values_are_refused_by_name(name: str, value: str, message: str) -> None:
    result = start({name: value})
    assert result.returncode != 0
    assert f"{name}=" in result.stderr
    assert message in result.stderr


def test_deploy_check_is_clean_with_production_variables() -> None:
    result = start(
        {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "mentoring.example.edu"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
