"""`/healthz`: is the database reachable, is the broker reachable. Load balancers and compose poll it."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mentorship.celery import app as celery_app

logger = logging.getLogger(__name__)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable"
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def _check_broker() -> str | None:
    if not settings.REDIS_URL:
        # The filesystem broker "connects" without touching disk: check that its queue folder can be written.
        folder = str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
            return f"broker folder {folder} is missing or not writable"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # The filesystem transport "connects" without touching disk; open a channel to be sure it works.
            conn.default_channel  # noqa: B018
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()
    return None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    failures = {name: error for name, error in (("database", _check_database()), ("broker", _check_broker())) if error}
    # The page is public: it names what failed, the log says why (a driver's message names hosts, ports, users).
    for name, error in failures.items():
        logger.error("healthz: %s: %s", name, error)
    body = {
        "status": "ok" if not failures else "unavailable",
        "database": "ok" if "database" not in failures else "failed",
        "broker": "ok" if "broker" not in failures else "failed",
    }
    return JsonResponse(body, status=200 if not failures else 503)


class HealthzMiddleware:
    """Answer /healthz before the Host check and the HTTPS redirect (first in MIDDLEWARE).

    compose's health check and load balancers ask each node by its address over plain HTTP
    (http://127.0.0.1:8000/healthz): with DEBUG off that was a 400 (the address is not in ALLOWED_HOSTS) or a
    redirect to https, and the node was never healthy. The answer builds no URL from the Host header, so nothing
    relies on that check here; every other path still goes through both."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
