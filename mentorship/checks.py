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
