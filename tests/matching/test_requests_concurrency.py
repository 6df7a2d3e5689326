"""Two requests at the same moment cannot both slip under the open-request limit (real row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from matching.models import Match
from matching.services.requests import TooManyRequests, match_request
from mentorship.errors import ApplicationError
from tests.factories import MentorProfileFactory, ProgramFactory, TraineeProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_simultaneous_requests_over_the_limit_let_exactly_one_through() -> None:
    trainee = TraineeProfileFactory()
    program = ProgramFactory(max_open_requests=1)
    mentors = MentorProfileFactory.create_batch(2)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask(mentor: Any) -> None:
        try:
            barrier.wait()
            match_request(trainee=trainee, mentor=mentor, program=program, message="")
            outcomes.append("created")
        except TooManyRequests:
            outcomes.append("too_many_requests")
        except ApplicationError as error:  # pragma: no cover - shown if the rule changes
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(m,)) for m in mentors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "too_many_requests"]
    assert Match.objects.filter(trainee=trainee).count() == 1


def test_a_request_declined_while_the_sweep_writes_its_reminder_leaves_no_reminder_waiting(monkeypatch: Any) -> None:
    # The sweep holds the request's row while it writes the reminders; a coordinator declining it then waits for
    # the sweep, and the decline cancels what the sweep wrote. Before, the sweep wrote without the row lock, after
    # its read, so a decline could land first and the reminder still went out.
    import time
    from datetime import timedelta

    from django.utils import timezone

    from matching.services import requests
    from matching.services.decisions import match_decline
    from notifications.models import Notification
    from tests.factories import CoordinatorFactory

    coordinator, other = CoordinatorFactory(), CoordinatorFactory()
    program = ProgramFactory(open_to_all=True, coordinators=[coordinator, other])
    match = match_request(trainee=TraineeProfileFactory(), mentor=MentorProfileFactory(), program=program, message="")
    writing, go = threading.Event(), threading.Event()
    real_notify_new = requests.notify_new

    def slow_notify_new(**kwargs: Any) -> bool:
        writing.set()
        go.wait(5)
        return real_notify_new(**kwargs)

    monkeypatch.setattr(requests, "notify_new", slow_notify_new)
    declined_at: list[float] = []

    def sweep() -> None:
        try:
            requests.match_requests_remind(now=timezone.now() + timedelta(days=7, minutes=1))
        finally:
            connection.close()

    def decline() -> None:
        try:
            writing.wait(5)
            match_decline(match=match, by=other, reason="Not this term")
            declined_at.append(time.monotonic())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep), threading.Thread(target=decline)]
    for thread in threads:
        thread.start()
    writing.wait(5)
    time.sleep(0.5)  # the decline is waiting for the sweep's row lock by now
    assert declined_at == []
    go.set()
    for thread in threads:
        thread.join()
    match.refresh_from_db()
    assert match.status == Match.Status.DECLINED
    reminders = Notification.objects.filter(kind="match_request_reminder")
    assert reminders.exists()
    assert set(reminders.values_list("state", flat=True)) == {"cancelled"}
