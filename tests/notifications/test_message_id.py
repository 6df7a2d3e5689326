"""The one duplicate the design allows (docs/reliability.md) carries the Message-ID of the first copy, so mail
servers and clients that drop a repeated Message-ID (Gmail is reported to) can show the recipient one message."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from notifications import dispatch
from notifications.models import Notification
from tests.factories import NotificationFactory
from tests.notifications.test_dispatch import Recorder, run_sends

pytestmark = pytest.mark.django_db
State = Notification.State


def test_a_message_sent_again_after_a_worker_died_keeps_its_message_id_and_others_get_their_own() -> None:
    row, other = NotificationFactory(), NotificationFactory()
    first = Recorder()
    dispatch.notifications_dispatch_due(enqueue=first)
    run_sends(first)
    # The worker died after the mail server accepted `row` and before `sent` was committed: the row is back in
    # `sending`, the sweep re-queues it after the lease and it goes out a second time.
    Notification.objects.filter(pk=row.pk).update(state=State.PENDING, claim="", claimed_at=None, sent_at=None)
    again = Recorder()
    dispatch.notifications_dispatch_due(enqueue=again)
    run_sends(again)
    ids = [(int(m.extra_headers["X-Mentorship-Notification"]), m.message()["Message-ID"]) for m in mail.outbox]
    copies = {message_id for pk, message_id in ids if pk == row.pk}
    others = {message_id for pk, message_id in ids if pk == other.pk}
    assert len([pk for pk, _ in ids if pk == row.pk]) == 2
    assert len(copies) == 1
    assert len(others) == 1
    assert copies != others


def test_the_message_id_is_a_valid_header_on_the_senders_domain(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Mentorship <mentorship@med.example.edu>"
    message_id = dispatch.build_message(NotificationFactory()).message()["Message-ID"]
    assert message_id.startswith("<")
    assert message_id.endswith("@med.example.edu>")
    assert message_id.count("@") == 1
