"""A message whose send kills its worker (out of memory, a segfault, SIGKILL) must not be redelivered forever: each
attempt is counted before the mail server is spoken to, so after NOTIFICATIONS_MAX_ATTEMPTS attempts that ended
without a result the message is `failed`, with the reason, for a coordinator to see and retry. A worker stopped
once (a deploy) still sends it, once.

In-process: the send raises SystemExit, which no `except Exception` catches, as a process dying mid-send leaves
nothing behind. tests/notifications/test_worker_reliability.py does the same with real worker processes killed by
SIGKILL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from notifications import dispatch
from notifications.models import Notification
from notifications.services import notifications_retry
from tests.factories import NotificationFactory
from tests.notifications.test_dispatch import Recorder

pytestmark = pytest.mark.django_db
State = Notification.State


class DiesMidSend:
    """Stands in for EmailMultiAlternatives.send: the worker dies in its first `times` sends, then it works."""

    def __init__(self, monkeypatch: Any, times: int) -> None:
        self.times, self.calls = times, 0
        real_send = dispatch.EmailMultiAlternatives.send

        def send(message: Any, fail_silently: bool = False) -> int:
            self.calls += 1
            if self.calls <= self.times:
                raise SystemExit("the worker process died")
            return real_send(message, fail_silently)

        monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", send)


def claimed(row: Notification) -> tuple[int, str]:
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    [(pk, claim)] = recorder.sent
    assert pk == row.pk
    return pk, claim


def test_a_message_that_kills_its_worker_every_time_is_failed_after_the_limit_with_the_reason(
    settings: Any, monkeypatch: Any
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    row = NotificationFactory()
    DiesMidSend(monkeypatch, times=99)
    pk, claim = claimed(row)
    for _ in range(3):  # the broker redelivers the message after each death (reject_on_worker_lost)
        with pytest.raises(SystemExit):
            dispatch.notification_send(notification_id=pk, claim=claim)
    # Before, nothing recorded the deaths: the row stayed `sending` with 0 attempts and this send died again.
    assert dispatch.notification_send(notification_id=pk, claim=claim).outcome == dispatch.Outcome.FAILED
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 3)
    assert row.last_error.startswith("The worker stopped during 3 sending attempts")
    assert mail.outbox == []


def test_attempts_count_across_claims_when_the_whole_worker_dies_and_the_row_is_swept(
    settings: Any, monkeypatch: Any
) -> None:
    """A whole worker killed: its message waits in the broker, the row is swept after the lease and claimed again
    with a new claim; the attempts made under the earlier claims still count."""
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    row = NotificationFactory()
    DiesMidSend(monkeypatch, times=99)
    results = []
    for _ in range(3):
        pk, claim = claimed(row)
        try:
            results.append(dispatch.notification_send(notification_id=pk, claim=claim).outcome)
        except SystemExit:
            Notification.objects.filter(pk=pk).update(claimed_at=timezone.now() - timedelta(hours=1))  # lease over
            results.append("died")
        if results[-1] != "died":
            break
    assert results == ["died", "died", dispatch.Outcome.FAILED]
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert row.last_error.startswith("The worker stopped during 2 sending attempts")


def test_a_worker_that_dies_once_mid_send_still_sends_the_message_once(settings: Any, monkeypatch: Any) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    row = NotificationFactory()
    DiesMidSend(monkeypatch, times=1)  # a deploy stops the worker in the middle of this send
    pk, claim = claimed(row)
    with pytest.raises(SystemExit):
        dispatch.notification_send(notification_id=pk, claim=claim)
    assert dispatch.notification_send(notification_id=pk, claim=claim).outcome == dispatch.Outcome.SENT
    assert dispatch.notification_send(notification_id=pk, claim=claim).outcome == dispatch.Outcome.SKIPPED
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_deaths_and_mail_server_errors_share_one_budget_and_the_reason_names_both(
    settings: Any, monkeypatch: Any
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    # With the attempts alone as the budget (within NOTIFICATIONS_RETRY_HOURS a mail server error is retried anyway,
    # and only the deaths count: tests above).
    settings.NOTIFICATIONS_RETRY_HOURS = 0
    row = NotificationFactory()
    calls = []

    def flaky_then_fatal(message: Any, fail_silently: bool = False) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionRefusedError(111, "Connection refused")
        raise SystemExit("the worker process died")

    monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", flaky_then_fatal)
    pk, claim = claimed(row)
    assert dispatch.notification_send(notification_id=pk, claim=claim).outcome == dispatch.Outcome.RETRY
    for _ in range(2):
        with pytest.raises(SystemExit):
            dispatch.notification_send(notification_id=pk, claim=claim)
    assert dispatch.notification_send(notification_id=pk, claim=claim).outcome == dispatch.Outcome.FAILED
    row.refresh_from_db()
    assert row.attempts == 3
    assert row.last_error.startswith("The worker stopped during 2 of 3 sending attempts")
    assert "Connection refused" in row.last_error


def test_a_coordinators_retry_gives_a_stopped_message_a_fresh_budget(settings: Any, monkeypatch: Any) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    row = NotificationFactory()
    DiesMidSend(monkeypatch, times=2)
    pk, claim = claimed(row)
    for _ in range(2):
        with pytest.raises(SystemExit):
            dispatch.notification_send(notification_id=pk, claim=claim)
    assert dispatch.notification_send(notification_id=pk, claim=claim).outcome == dispatch.Outcome.FAILED
    assert notifications_retry(ids=[row.pk]).requeued == 1  # the cause was fixed (more memory for the workers)
    pk, claim = claimed(row)
    assert dispatch.notification_send(notification_id=pk, claim=claim).outcome == dispatch.Outcome.SENT
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)
    assert len(mail.outbox) == 1
