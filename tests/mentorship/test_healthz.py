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
    assert body["broker"] == "failed"
    assert body["status"] == "unavailable"


@pytest.mark.django_db
def test_healthz_reports_a_filesystem_broker_folder_that_cannot_be_written(
    client: Client, settings, tmp_path, caplog
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the queue folder should be")
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "data_folder_in": str(blocked / "queue")}
    with mock.patch("mentorship.health.settings") as fake:
        fake.REDIS_URL = ""
        fake.CELERY_BROKER_TRANSPORT_OPTIONS = options
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "failed"
    assert "broker folder" in caplog.text  # the reason is in the server's log


@pytest.mark.django_db
def test_healthz_names_an_unreachable_database_but_tells_the_public_no_more(client: Client, caplog) -> None:
    """/healthz is public: the driver's message named the database's host, port and user ('password authentication
    failed for user "mentorship"') to anyone. The page names what failed; the log says why."""
    with mock.patch("mentorship.health.connection") as conn:
        conn.cursor.side_effect = RuntimeError('connection to server at "db" (10.0.3.7) failed for user "mentorship"')
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failed"
    assert "10.0.3.7" not in response.content.decode()
    assert 'database: RuntimeError: connection to server at "db" (10.0.3.7)' in caplog.text


@pytest.mark.django_db
def test_a_load_balancer_or_compose_reaches_healthz_by_address_over_http_in_production(
    client: Client, settings
) -> None:
    """compose's health check (and a load balancer's) asks http://127.0.0.1:8000/healthz: with DEBUG off that was a
    400 (the address is not in ALLOWED_HOSTS) or a redirect to https, so the web container was never healthy."""
    settings.ALLOWED_HOSTS = ["mentoring.example.edu"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert client.post("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 405
    # Every other page keeps both rules.
    assert client.get("/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    redirect = client.get("/login/", HTTP_HOST="mentoring.example.edu")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://mentoring.example.edu/login/"
