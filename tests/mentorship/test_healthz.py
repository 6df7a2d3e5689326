from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_are_reachable(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_names_a_stopped_broker(client: Client, settings) -> None:
    from kombu import Connection

    # A broker on a port nothing listens on: the same as a stopped Redis.
    with mock.patch(
        "mentorship.health.celery_app.connection_for_write", return_value=Connection("redis://127.0.0.1:1/0")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("failed:")
    assert body["status"] == "unavailable"


@pytest.mark.django_db
def test_healthz_reports_a_filesystem_broker_folder_that_cannot_be_written(client: Client, settings, tmp_path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the queue folder should be")
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "data_folder_in": str(blocked / "queue")}
    with mock.patch("mentorship.health.settings") as fake:
        fake.REDIS_URL = ""
        fake.CELERY_BROKER_TRANSPORT_OPTIONS = options
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "broker folder" in response.json()["broker"]


@pytest.mark.django_db
def test_healthz_names_an_unreachable_database(client: Client) -> None:
    with mock.patch("mentorship.health.connection") as conn:
        conn.cursor.side_effect = RuntimeError("connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failed: RuntimeError: connection refused"
