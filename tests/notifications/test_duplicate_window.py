"""The instant in which a dying worker sends a message twice (docs/reliability.md) is as short as it can be: the
row is committed `sent` as soon as the mail server has accepted the message, before the SMTP session is closed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from notifications import dispatch
from notifications.models import Notification
from tests.factories import NotificationFactory
from tests.notifications.test_dispatch import Recorder, run_sends

State = Notification.State


class SessionRecorder(BaseEmailBackend):
    """Records, when the SMTP session would say QUIT, whether the messages it carried were committed `sent`."""

    at_quit: list[tuple[bool, list[str]]] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session: list[int] | None = None

    def open(self) -> bool:
        if self.session is not None:
            return False
        self.session = []
        return True

    def close(self) -> None:
        if self.session is None:
            return
        states = list(Notification.objects.filter(pk__in=self.session).values_list("state", flat=True))
        SessionRecorder.at_quit.append((connection.in_atomic_block, states))
        self.session = None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        created = self.open()
        assert self.session is not None
        self.session.extend(int(m.extra_headers["X-Mentorship-Notification"]) for m in email_messages)
        if created:
            self.close()
        return len(email_messages)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_smtp_session_is_closed_only_after_sent_is_committed(settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.SessionRecorder"
    SessionRecorder.at_quit = []
    NotificationFactory()
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    assert [r.outcome for r in run_sends(recorder)] == [dispatch.Outcome.SENT]
    # The QUIT exchange (up to EMAIL_TIMEOUT with a slow server) is no longer inside the duplicate window.
    assert SessionRecorder.at_quit == [(False, [State.SENT])]
