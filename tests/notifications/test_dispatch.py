"""The dispatcher and the send step, run in-process with the locmem mail backend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from notifications import dispatch
from notifications.models import Notification
from notifications.services import notify
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Notification.State


class Recorder:
    """Stands in for the broker: records (id, claim) pairs instead of enqueueing."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail_after = fail_after

    def __call__(self, pk: int, claim: str) -> None:
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise ConnectionError("broker down")
        self.sent.append((pk, claim))


def run_sends(recorder: Recorder) -> list[dispatch.SendResult]:
    return [dispatch.notification_send(notification_id=pk, claim=claim) for pk, claim in recorder.sent]


def test_a_due_row_is_claimed_enqueued_with_its_claim_and_sent_once() -> None:
    row = NotificationFactory()
    recorder = Recorder()
    report = dispatch.notifications_dispatch_due(enqueue=recorder)
    row.refresh_from_db()
    assert report.claimed == 1
    assert row.state == State.SENDING
    assert row.claim
    assert recorder.sent == [(row.pk, row.claim)]
    assert [r.outcome for r in run_sends(recorder)] == [dispatch.Outcome.SENT]
    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [row.recipient.email]
    assert message.alternatives
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["X-Mentorship-Notification"] == str(row.pk)
    # RFC 3834: auto-responders (out-of-office replies) must not answer a notification.
    assert message.message()["Auto-Submitted"] == "auto-generated"


def test_a_redelivered_task_for_a_sent_row_sends_nothing() -> None:
    NotificationFactory()
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    run_sends(recorder)
    outcomes = run_sends(recorder)  # the broker delivers the same messages again
    assert [r.outcome for r in outcomes] == [dispatch.Outcome.SKIPPED]
    assert len(mail.outbox) == 1


def test_a_task_from_an_earlier_claim_is_ignored() -> None:
    row = NotificationFactory()
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    stale = recorder.sent[0]
    # The row was re-queued (its lease ran out) and claimed again by a later dispatch.
    Notification.objects.filter(pk=row.pk).update(state=State.PENDING, claim="")
    dispatch.notifications_dispatch_due(enqueue=recorder)
    assert dispatch.notification_send(notification_id=stale[0], claim=stale[1]).outcome == dispatch.Outcome.SKIPPED
    assert (
        dispatch.notification_send(notification_id=row.pk, claim=recorder.sent[1][1]).outcome == dispatch.Outcome.SENT
    )
    assert len(mail.outbox) == 1


def test_future_cancelled_and_sent_rows_are_not_claimed() -> None:
    NotificationFactory(due_at=timezone.now() + timedelta(hours=1))
    NotificationFactory(state=State.CANCELLED)
    NotificationFactory(state=State.SENT)
    recorder = Recorder()
    assert dispatch.notifications_dispatch_due(enqueue=recorder).claimed == 0
    assert recorder.sent == []


def test_a_cancelled_row_whose_task_is_already_queued_is_not_sent() -> None:
    row = NotificationFactory()
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    Notification.objects.filter(pk=row.pk).update(state=State.CANCELLED)
    assert run_sends(recorder)[0].outcome == dispatch.Outcome.SKIPPED
    assert mail.outbox == []


def test_an_in_app_only_message_is_delivered_without_a_task_or_an_email() -> None:
    user = UserFactory()
    row = notify(recipient=user, kind="match_approved", email=False)
    recorder = Recorder()
    report = dispatch.notifications_dispatch_due(enqueue=recorder)
    row.refresh_from_db()
    assert report.in_app_delivered == 1
    assert recorder.sent == []
    assert mail.outbox == []
    assert row.state == State.SENT
    assert list(Notification.objects.unread_for(user)) == [row]


def test_a_failing_send_is_retried_with_growing_backoff_then_marked_failed(settings: Any, monkeypatch: Any) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_HOURS = 0  # the attempts alone (tests/notifications/test_mail_server_outage.py: hours)
    row = NotificationFactory()

    def broken_send(self: Any, fail_silently: bool = False) -> int:
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    pk, claim = recorder.sent[0]
    results = [dispatch.notification_send(notification_id=pk, claim=claim) for _ in range(3)]
    assert [r.outcome for r in results] == [dispatch.Outcome.RETRY, dispatch.Outcome.RETRY, dispatch.Outcome.FAILED]
    assert results[0].countdown < results[1].countdown
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert row.attempts == 3
    assert "SMTP server unreachable" in row.last_error


def test_backoff_stays_well_below_the_visibility_timeout_and_the_lease(settings: Any) -> None:
    settings.CELERY_VISIBILITY_TIMEOUT = 120
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 900
    assert max(dispatch.backoff_seconds(n) for n in range(1, 20)) <= 30


def test_a_row_stuck_in_sending_past_the_lease_is_claimed_again(settings: Any) -> None:
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 60
    old = timezone.now() - timedelta(seconds=61)
    stuck = NotificationFactory(state=State.SENDING, claim="dead-worker", claimed_at=old)
    fresh = NotificationFactory(state=State.SENDING, claim="busy-worker", claimed_at=timezone.now())
    recorder = Recorder()
    report = dispatch.notifications_dispatch_due(enqueue=recorder)
    assert report.requeued == 1
    assert [pk for pk, _ in recorder.sent] == [stuck.pk]
    fresh.refresh_from_db()
    assert fresh.claim == "busy-worker"
    assert dispatch.notification_send(notification_id=stuck.pk, claim="dead-worker").outcome == dispatch.Outcome.SKIPPED


def test_rows_that_cannot_be_enqueued_go_back_to_pending_and_go_out_later() -> None:
    rows = [NotificationFactory() for _ in range(3)]
    down = Recorder(fail_after=1)
    report = dispatch.notifications_dispatch_due(enqueue=down)
    assert (report.enqueued, report.released) == (1, 2)
    states = sorted(Notification.objects.values_list("state", flat=True))
    assert states == [State.PENDING, State.PENDING, State.SENDING]
    up = Recorder()
    dispatch.notifications_dispatch_due(enqueue=up)
    run_sends(down)
    run_sends(up)
    assert sorted(int(m.extra_headers["X-Mentorship-Notification"]) for m in mail.outbox) == sorted(r.pk for r in rows)


def test_a_message_about_a_deleted_object_is_cancelled_not_retried() -> None:
    row = NotificationFactory(object_type="meeting", object_id=987654)
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    assert run_sends(recorder)[0].outcome == dispatch.Outcome.SKIPPED
    row.refresh_from_db()
    assert row.state == State.CANCELLED
    assert "no longer exists" in row.last_error


def test_an_inactive_recipient_gets_no_email() -> None:
    row = NotificationFactory(recipient=UserFactory(is_active=False))
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    run_sends(recorder)
    row.refresh_from_db()
    assert row.state == State.CANCELLED
    assert mail.outbox == []


@pytest.mark.parametrize("backlog", [30, 300])
def test_queries_per_dispatch_batch_do_not_grow_with_the_backlog(
    backlog: int, django_assert_max_num_queries: Any
) -> None:
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="x", dedup_key=f"q:{backlog}:{i}", due_at=timezone.now())
        for i in range(backlog)
    )
    recorder = Recorder()
    # requeue (savepoint + select) + in-app update + one claim batch (select + update) + the empty next batch:
    # the same small number whether 30 or 300 rows are waiting.
    with django_assert_max_num_queries(10):
        report = dispatch.notifications_dispatch_due(enqueue=recorder, batch_size=backlog + 1)
    assert report.claimed == backlog


@pytest.mark.parametrize("batches", [2, 6])
def test_each_batch_costs_the_same_number_of_queries(batches: int, django_assert_max_num_queries: Any) -> None:
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="x", dedup_key=f"b:{batches}:{i}", due_at=timezone.now())
        for i in range(batches * 10)
    )
    # Fixed overhead (stuck sweep, expired update, in-app update, the final empty claim) + 4 per batch (savepoint,
    # select, update, release): the cost per batch never depends on how many rows wait.
    with django_assert_max_num_queries(8 + 4 * batches):
        report = dispatch.notifications_dispatch_due(enqueue=Recorder(), batch_size=10)
    assert report.batches == batches


def test_an_eagerly_run_task_keeps_the_callers_transaction_and_connection() -> None:
    from notifications.tasks import dispatch_due as dispatch_task

    row = NotificationFactory(email=False)
    dispatch_task.apply()  # eager, inside this test's transaction
    row.refresh_from_db()  # the connection is still open and still in the transaction
    assert row.state == State.SENT


def test_a_message_to_an_address_without_an_account_goes_out_once_and_never_reaches_an_inbox(
    login: Any, coordinator: Any
) -> None:
    from matching.models import ProgramInvitation
    from notifications.services import notify_many
    from tests.factories import ProgramFactory

    # About an invitation to the coordinator's program, so that the admin shows it to them.
    program = ProgramFactory(coordinators=[coordinator])
    invitation = ProgramInvitation.objects.create(program=program, email="new.person@uni.edu", role="trainee")
    notify_many(kind="program_invitation_signup", messages=[("New.Person@Uni.edu", invitation, "")])
    notify_many(kind="program_invitation_signup", messages=[("new.person@uni.edu", invitation, "")])  # once per address
    row = Notification.objects.get()
    assert (row.to_address, row.recipient, row.email, row.in_app) == ("new.person@uni.edu", None, True, False)
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder)
    assert [r.outcome for r in run_sends(recorder)] == [dispatch.Outcome.SENT]
    assert [m.to for m in mail.outbox] == [["new.person@uni.edu"]]

    listed = login(coordinator).get("/admin/notifications/notification/?q=new.person").content.decode()
    assert "new.person@uni.edu (no account)" in listed


@pytest.mark.parametrize(
    "fields",
    [
        {"to_address": "x@uni.edu", "in_app": True},  # no inbox to show it in
        {"to_address": "x@uni.edu", "email": False},  # nothing would ever deliver it
        {"to_address": ""},  # nobody to send it to
    ],
)
def test_the_database_refuses_a_message_with_no_or_an_impossible_addressee(fields: dict[str, Any]) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="x", dedup_key="x", recipient=None, **{"in_app": False, **fields})
    with pytest.raises(IntegrityError), transaction.atomic():  # an account and an address at once
        NotificationFactory(to_address="x@uni.edu")


def test_a_batch_with_no_address_or_an_unsaved_account_is_refused_on_every_database() -> None:
    from notifications.services import notify_many
    from profiles.models import User

    with pytest.raises(ValueError, match="needs an address"):
        notify_many(kind="program_invitation_signup", messages=[("  ", None, "")])
    with pytest.raises(ValueError, match="needs a saved account"):
        notify_many(kind="program_invitation_signup", messages=[(User(email="x@uni.edu"), None, "")])
    assert not Notification.objects.exists()
