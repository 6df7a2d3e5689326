"""The project's own system checks: settings that load fine but break the site later.

`check` (and `check --deploy`), `migrate` (compose's first step, which web, worker and beat wait for) and
`runserver` run them, so a deployment stops with the setting named instead of answering 500 on every page or
failing at the first e-mail. Registered by `ChecksConfig`, listed last in INSTALLED_APPS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import CheckMessage, Error, register
from django.core.files.storage import storages
from django.core.mail.backends import console, dummy, filebased, locmem
from django.utils.module_loading import import_string


class ChecksConfig(AppConfig):
    """The project package as an app only so that these checks are registered: it has no models."""

    name = "mentorship"
    label = "mentorship"
    verbose_name = "Mentorship project"


@register()
def email_backend_check(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """EMAIL_BACKEND is a dotted path: a typo was found only when the worker first sent an e-mail."""
    try:
        import_string(settings.EMAIL_BACKEND)
    except ImportError as error:
        return [
            Error(
                f"EMAIL_BACKEND={settings.EMAIL_BACKEND!r} cannot be imported: {error}",
                hint="Use django.core.mail.backends.smtp.EmailBackend for SMTP (see .env.example).",
                id="mentorship.E001",
            )
        ]
    return []


#: Backends that never hand a message to a mail server: console prints it into the process's log (`docker compose
#: logs`, the journal), filebased writes it under EMAIL_FILE_PATH, locmem and dummy drop it.
_LOCAL_EMAIL_BACKENDS = (console.EmailBackend, filebased.EmailBackend, locmem.EmailBackend, dummy.EmailBackend)


@register()
def email_backend_sends_check(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, e-mail must leave the machine. The console default (right for `make run`) was accepted in
    production: every password-reset link (valid for a day), confirmation link and decline or end reason went into
    the containers' logs, for whoever reads them to use, and nobody got their e-mail."""
    if settings.DEBUG:
        return []
    try:
        backend = import_string(settings.EMAIL_BACKEND)
    except ImportError:
        return []  # email_backend_check names it
    if not (isinstance(backend, type) and issubclass(backend, _LOCAL_EMAIL_BACKENDS)):
        return []
    return [
        Error(
            f"EMAIL_BACKEND={settings.EMAIL_BACKEND!r} sends no e-mail: with DEBUG off every message, password-reset "
            "and confirmation links included, would be printed into the logs or kept on this machine instead.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, with EMAIL_HOST, EMAIL_PORT, "
            "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and DEFAULT_FROM_EMAIL for your mail server "
            "(see .env.example).",
            id="mentorship.E003",
        )
    ]


@register()
def static_manifest_check(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off every `{% static %}` is looked up in collectstatic's manifest: without it every page is a 500
    (`Missing staticfiles manifest entry`) while /healthz still says ok. That happens when STATIC_ROOT (or VAR_DIR,
    its default's parent) points anywhere but where the files were collected, as in the Docker image."""
    if settings.DEBUG or not apps.is_installed("django.contrib.staticfiles"):
        return []
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        Error(
            f"STATIC_ROOT={str(settings.STATIC_ROOT)!r} holds no {storage.manifest_name}: with DEBUG off every page "
            "would fail with 'Missing staticfiles manifest entry'.",
            hint="Run `python manage.py collectstatic --noinput` with these settings, or, in the Docker image, leave "
            "STATIC_ROOT unset: the image collected its files into /app/staticfiles.",
            id="mentorship.E002",
        )
    ]
