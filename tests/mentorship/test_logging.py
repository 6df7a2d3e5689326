"""What the app logs about requests it refuses."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def root_log() -> Iterator[list[logging.LogRecord]]:
    """What reaches the root logger, where the app's console handler writes to the server's log. (Not caplog: pytest
    also hangs its capture handlers on loggers that do not propagate, so caplog sees records the server never logs.)"""
    handler = _Collect()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


def test_a_request_for_an_unknown_host_is_answered_400_without_an_error_in_the_log(
    client: Client, root_log: list[logging.LogRecord], capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    # Before: each one (scanners send thousands) logged "Invalid HTTP_HOST header" at ERROR with a full traceback.
    settings.ALLOWED_HOSTS = ["mentoring.example.edu"]
    response = client.get("/login/", HTTP_HOST="scanner.example")
    assert response.status_code == 400
    assert [record.getMessage() for record in root_log if record.name.startswith("django.security")] == []
    assert "Invalid HTTP_HOST" not in capsys.readouterr().err  # nor printed by logging's last-resort handler
    # Other requests still reach the log.
    logging.getLogger("django.request").warning("still logged")
    assert [record.getMessage() for record in root_log] == ["still logged"]
