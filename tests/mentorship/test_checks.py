"""The project's system checks (mentorship.checks), run by `check`, `check --deploy`, `migrate` and `runserver`.

Before: neither existed. EMAIL_BACKEND=nope.Backend passed every check and failed at the worker's first e-mail; with
DEBUG off and STATIC_ROOT where collectstatic had not written (a VAR_DIR or STATIC_ROOT set at run time in the
Docker image), `check --deploy` was clean, /healthz said ok and every page answered 500.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.mail.backends import console
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from mentorship.checks import email_backend_check, email_backend_sends_check, static_manifest_check

MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


def test_an_email_backend_that_cannot_be_imported_is_an_error_naming_it(settings: Any) -> None:
    settings.EMAIL_BACKEND = "nope.Backend"
    [error] = email_backend_check(None)
    assert error.id == "mentorship.E001"
    assert "EMAIL_BACKEND='nope.Backend' cannot be imported" in error.msg


def test_a_real_email_backend_passes(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_backend_check(None) == []


LOCAL_EMAIL_BACKENDS = [
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
]


@pytest.mark.parametrize("backend", LOCAL_EMAIL_BACKENDS)
def test_with_debug_off_a_backend_that_sends_nothing_is_an_error_saying_what_to_set(
    settings: Any, backend: str
) -> None:
    # Tried without the fix: the console default passed every check with DEBUG off, and password-reset links,
    # confirmation links and decline reasons were printed into `docker compose logs`.
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend
    [error] = email_backend_sends_check(None)
    assert error.id == "mentorship.E003"
    assert f"EMAIL_BACKEND={backend!r} sends no e-mail" in error.msg
    assert error.hint is not None
    assert "EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend" in error.hint
    assert "EMAIL_HOST" in error.hint


class LoudConsole(console.EmailBackend):
    """A backend of one's own that still only prints."""


def test_a_subclass_of_the_console_backend_is_caught_too(settings: Any) -> None:
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "tests.mentorship.test_checks.LoudConsole"
    [error] = email_backend_sends_check(None)
    assert error.id == "mentorship.E003"


@pytest.mark.parametrize("backend", LOCAL_EMAIL_BACKENDS)
def test_with_debug_on_any_backend_passes_as_make_run_needs(settings: Any, backend: str) -> None:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = backend
    assert email_backend_sends_check(None) == []


def test_with_debug_off_smtp_passes_and_an_unimportable_backend_is_left_to_e001(settings: Any) -> None:
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_backend_sends_check(None) == []
    settings.EMAIL_BACKEND = "nope.Backend"
    assert email_backend_sends_check(None) == []


def _production_static(settings: Any, static_root: Path) -> None:
    settings.DEBUG = False
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}


def test_debug_off_without_a_manifest_is_an_error_naming_static_root(settings: Any, tmp_path: Path) -> None:
    _production_static(settings, tmp_path)
    [error] = static_manifest_check(None)
    assert error.id == "mentorship.E002"
    assert f"STATIC_ROOT='{tmp_path}' holds no staticfiles.json" in error.msg


def test_collected_static_files_pass(settings: Any, tmp_path: Path) -> None:
    _production_static(settings, tmp_path)
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    assert static_manifest_check(None) == []


def test_with_debug_on_or_plain_storage_no_manifest_is_needed(settings: Any, tmp_path: Path) -> None:
    _production_static(settings, tmp_path)
    settings.DEBUG = True
    assert static_manifest_check(None) == []
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert static_manifest_check(None) == []


def test_the_checks_are_registered(settings: Any) -> None:
    settings.EMAIL_BACKEND = "nope.Backend"
    with pytest.raises(SystemCheckError, match=r"mentorship\.E001"):
        call_command("check")
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(SystemCheckError, match=r"mentorship\.E003"):
        call_command("check")
