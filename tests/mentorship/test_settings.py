"""Start-up refuses bad configuration with a message that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "x9Yq" * 15


#: Left out of the environment the checks start with: each test says its own (`make test` exports the Makefile's
#: SITE_URL, for `make run`, and a shell may hold any of the others).
OWN_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "TRUSTED_PROXY_COUNT",
    "STATIC_ROOT",
    "EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def start(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
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


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "mentoring.example.edu",
    "SITE_URL": "https://mentoring.example.edu",
    "TRUSTED_PROXY_COUNT": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def collected(static_root: Path) -> dict[str, str]:
    """STATIC_ROOT holding a collectstatic manifest (an empty one: the checks only ask whether it is there)."""
    static_root.mkdir(parents=True, exist_ok=True)
    (static_root / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    return {"STATIC_ROOT": str(static_root)}


def test_deploy_check_is_clean_with_production_variables(tmp_path: Path) -> None:
    result = start({**PRODUCTION, **collected(tmp_path / "static")}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


# Before: these settings loaded, and the first request that used them failed. A throttle rate DRF cannot read
# ("lots", "10/fortnight") answered 500 to every token request; LOG_LEVEL=info (lowercase) or LOUD stopped start-up
# with a bare ValueError from logging naming no variable; TRUSTED_PROXY_COUNT did not exist.
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("THROTTLE_TOKEN", "lots", "is not a rate"),
        ("THROTTLE_TOKEN", "10/fortnight", "is not a rate"),
        ("THROTTLE_MATCH_REQUEST", "0/hour", "is not a rate"),
        ("LOG_LEVEL", "LOUD", "is not a logging level"),
        ("TRUSTED_PROXY_COUNT", "one", "is not a whole number"),
        ("TRUSTED_PROXY_COUNT", "-1", "is below the minimum 0"),
        ("SITE_URL", "mentoring.example.edu", "must be the site's address with http:// or https://"),
        ("SITE_URL", "ftp://mentoring.example.edu", "must be the site's address with http:// or https://"),
        ("SITE_URL", "https://mentoring.example.edu/app", "must be only the scheme and host"),
    ],
)
def test_values_that_used_to_fail_later_are_refused_at_start_up(name: str, value: str, message: str) -> None:
    result = start({name: value})
    assert result.returncode != 0
    assert f"{name}={value!r}" in result.stderr or f"{name}={value}" in result.stderr, result.stderr
    assert message in result.stderr


def test_debug_off_without_a_site_url_stops_start_up() -> None:
    # Before: the laptop's http://127.0.0.1:8000 went out in every production e-mail and calendar invitation.
    production = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = start(production)
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def read_settings(env: dict[str, str], expression: str) -> str:
    """repr() of `expression` (on `settings`) as the settings module computes it from `env`."""
    result = start(env, "shell", "--no-imports", "-c", f"from django.conf import settings; print(repr({expression}))")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_lowercase_log_levels_and_rates_with_long_units_are_accepted() -> None:
    value = "(settings.LOGGING['root']['level'], settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['token'])"
    assert read_settings({"LOG_LEVEL": "info", "THROTTLE_TOKEN": "30/minute"}, value) == "('INFO', '30/minute')"


def test_the_api_throttles_count_behind_as_many_proxies_as_the_rest() -> None:
    # Before: NUM_PROXIES was 0 whatever stood in front, so the API counted every client as the proxy.
    value = "(settings.REST_FRAMEWORK['NUM_PROXIES'], settings.TRUSTED_PROXY_COUNT)"
    assert read_settings({"TRUSTED_PROXY_COUNT": "2"}, value) == "(2, 2)"
    assert read_settings({}, value) == "(0, 0)"


def test_a_site_url_loses_its_trailing_slash() -> None:
    assert read_settings({"SITE_URL": "https://mentoring.example.edu:8443/"}, "settings.SITE_URL") == (
        "'https://mentoring.example.edu:8443'"
    )


def test_an_email_backend_that_cannot_be_imported_stops_migrate(tmp_path: Path) -> None:
    # Before: EMAIL_BACKEND=nope.Backend passed start-up; the worker's first e-mail failed. compose's web, worker
    # and beat wait for migrate, which runs the checks first.
    result = start({"EMAIL_BACKEND": "nope.Backend", "VAR_DIR": str(tmp_path)}, "migrate", "--noinput")
    assert result.returncode != 0
    assert "EMAIL_BACKEND='nope.Backend' cannot be imported" in result.stderr
    assert "Applying" not in result.stdout  # stopped before the first migration


def test_debug_off_without_collected_static_files_fails_the_checks(tmp_path: Path) -> None:
    # Before: STATIC_ROOT (or VAR_DIR) pointed elsewhere than where collectstatic wrote (the Docker image's build):
    # check --deploy said nothing, /healthz said ok, and every page was a 500 "Missing staticfiles manifest entry".
    result = start({**PRODUCTION, "STATIC_ROOT": str(tmp_path / "empty")}, "check", "--deploy")
    assert result.returncode != 0
    assert "mentorship.E002" in result.stderr
    assert f"STATIC_ROOT='{tmp_path / 'empty'}' holds no staticfiles.json" in result.stderr


def test_debug_off_with_the_console_email_default_stops_migrate_naming_email_backend(tmp_path: Path) -> None:
    # Tried without the fix: migrate (compose's first step) and check --deploy passed, and the worker printed every
    # password-reset link, confirmation link and decline reason into `docker compose logs`.
    production = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_BACKEND"}
    env = {**production, **collected(tmp_path / "static"), "VAR_DIR": str(tmp_path)}
    result = start(env, "migrate", "--noinput")
    assert result.returncode != 0
    assert "mentorship.E003" in result.stderr
    assert "EMAIL_BACKEND='django.core.mail.backends.console.EmailBackend' sends no e-mail" in result.stderr
    assert "Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend" in result.stderr
    assert "Applying" not in result.stdout


def test_make_run_keeps_printing_e_mail_to_the_console_with_debug_on() -> None:
    result = start({}, "check")
    assert result.returncode == 0, result.stderr
    assert read_settings({}, "settings.EMAIL_BACKEND") == "'django.core.mail.backends.console.EmailBackend'"
