"""Two beat instances, a redelivered send racing the original, a double click on Accept: with real row locks
(PostgreSQL and threads), every reminder is written once and sent once."""

from __future__ import annotations

import smtplib
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from notifications import dispatch, sending
from notifications.models import Notification
from tests.factories import MeetingFactory, approved_match

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def at_once(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads released together; what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # the outcome is what the test compares
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _accepted_meetings(count: int) -> list[Meeting]:
    # Each meeting a day apart, so the 24-hour reminders of all of them fall due at once below.
    meetings = []
    for _ in range(count):
        proposal = MeetingFactory(status=Meeting.Status.PROPOSED, start=timezone.now() + timedelta(days=3))
        meetings.append(services.meeting_accept(meeting=proposal, by=proposal.match.trainee.user))
    return meetings


def test_two_dispatchers_at_once_send_every_due_reminder_exactly_once() -> None:
    _accepted_meetings(15)
    Notification.objects.filter(kind="meeting_reminder").update(due_at=timezone.now() - timedelta(minutes=1))
    Notification.objects.exclude(kind="meeting_reminder").update(state=Notification.State.SENT)
    due = set(Notification.objects.filter(kind="meeting_reminder").values_list("pk", flat=True))
    assert len(due) == 60  # 15 meetings x 2 people x 2 lead times

    def beat() -> None:
        dispatch.notifications_dispatch_due(
            enqueue=lambda pk, claim: dispatch.notification_send(notification_id=pk, claim=claim)
        )

    assert at_once(beat, beat) == [None, None]
    sent = Counter(int(email.extra_headers["X-Mentorship-Notification"]) for email in mail.outbox)
    assert set(sent) == due
    assert set(sent.values()) == {1}
    assert set(Notification.objects.filter(pk__in=due).values_list("state", flat=True)) == {Notification.State.SENT}


def test_a_redelivered_send_racing_the_original_sends_once() -> None:
    (meeting,) = _accepted_meetings(1)
    row = Notification.objects.filter(kind="meeting_reminder").earliest("due_at")
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    claims: list[tuple[int, str]] = []
    dispatch.notifications_dispatch_due(enqueue=lambda pk, claim: claims.append((pk, claim)))
    (claimed,) = [c for c in claims if c[0] == row.pk]

    def send() -> str:
        return dispatch.notification_send(notification_id=claimed[0], claim=claimed[1]).outcome.value

    outcomes = at_once(send, send)
    assert outcomes.count("sent") == 1, outcomes
    assert len([e for e in mail.outbox if "Reminder" in e.subject]) == 1
    assert meeting.pk


def _accept_in_three_days(match: Any) -> Callable[[], str]:
    """The mentor proposes a video meeting in three days; what the trainee's *Accept* does, to run at once."""
    proposal = services.meeting_propose(
        match=match,
        by=match.mentor.user,
        start=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        format="video",
        video_link="https://v.example.org/1",
    )

    def accept() -> str:
        services.meeting_accept(meeting=proposal, by=match.trainee.user)
        return "accepted"

    return accept


def test_a_double_click_on_accept_writes_the_reminders_once() -> None:
    match = approved_match()
    accept = _accept_in_three_days(match)

    outcomes = at_once(accept, accept)
    assert outcomes.count("accepted") == 1, outcomes
    proposal = Meeting.objects.get(match=match)
    reminders = Notification.objects.filter(kind="meeting_reminder", object_id=proposal.pk)
    assert reminders.count() == 4  # 24 h and 1 h, to both
    confirmed = Notification.objects.filter(kind="meeting_accepted", object_id=proposal.pk)
    assert sorted(confirmed.values_list("recipient_id", flat=True)) == sorted(
        [match.mentor.user.pk, match.trainee.user.pk]
    )


def _send_while_row_locked(pk: int, claim: str, seconds: float) -> dispatch.Outcome:
    """Send the claimed row while another connection holds its lock for `seconds`: what another dispatcher's claim
    does to a row it passed over just as it was claimed elsewhere (PostgreSQL keeps that row locked until the claim's
    transaction ends; checked: a SELECT … FOR UPDATE SKIP LOCKED whose re-check fails still holds the row), or, held
    longer, what a copy of the task does through its whole send."""
    from django.db import transaction

    held = threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update().filter(pk=pk).values_list("pk"))
                held.set()
                time.sleep(seconds)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    outcome = dispatch.notification_send(notification_id=pk, claim=claim).outcome
    holder.join()
    return outcome


def _claimed_reminder() -> tuple[int, str]:
    _accepted_meetings(1)
    row = Notification.objects.filter(kind="meeting_reminder").earliest("due_at")
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    claims: list[tuple[int, str]] = []
    dispatch.notifications_dispatch_due(enqueue=lambda pk, claim: claims.append((pk, claim)))
    (claimed,) = [c for c in claims if c[0] == row.pk]
    return claimed


def test_a_send_waits_out_another_dispatchers_passing_lock_and_sends_at_once() -> None:
    # Seen in CI: two beat instances, and the first two reminders stayed `sending` until the 15-minute lease.
    pk, claim = _claimed_reminder()
    assert _send_while_row_locked(pk, claim, 0.5) == dispatch.Outcome.SENT
    assert Notification.objects.get(pk=pk).state == Notification.State.SENT
    assert len([e for e in mail.outbox if "Reminder" in e.subject]) == 1


def test_a_row_held_through_a_whole_send_is_left_to_that_send(monkeypatch: Any) -> None:
    # A redelivered copy of the task holds the row while it talks to the mail server: this one waits a moment,
    # then leaves it, sending nothing, and the row is still the other send's to finish.
    monkeypatch.setattr(sending, "ROW_LOCK_WAIT", "200ms")
    pk, claim = _claimed_reminder()
    # Had it waited for the lock, it would have sent.
    assert _send_while_row_locked(pk, claim, 2.0) == dispatch.Outcome.SKIPPED
    assert Notification.objects.get(pk=pk).state == Notification.State.SENDING
    assert not [e for e in mail.outbox if "Reminder" in e.subject]


def _proposal_claimed() -> tuple[Meeting, int, str]:
    match = approved_match()
    meeting = services.meeting_propose(
        match=match,
        by=match.trainee.user,
        start=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        format="video",
        video_link="https://v.example.org/1",
    )
    claims: list[tuple[int, str]] = []
    dispatch.notifications_dispatch_due(enqueue=lambda pk, claim: claims.append((pk, claim)))
    ((pk, claim),) = claims
    return meeting, pk, claim


def test_an_accept_while_the_proposals_email_is_with_the_mail_server_waits_for_it_and_leaves_it_sent(
    monkeypatch: Any,
) -> None:
    # Turning the e-mail off touches a `sending` row too, but a send that holds the row is not interrupted: the
    # accept waits for its commit, then finds it `sent`.
    meeting, pk, claim = _proposal_claimed()
    real_send = dispatch.EmailMultiAlternatives.send
    with_the_server = threading.Event()
    done: list[str] = []

    def slow_send(message: Any, fail_silently: bool = False) -> int:
        with_the_server.set()
        time.sleep(0.5)  # the accept starts meanwhile, and waits for the row
        return real_send(message, fail_silently)

    monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", slow_send)

    def send() -> dispatch.Outcome:
        outcome = dispatch.notification_send(notification_id=pk, claim=claim).outcome
        done.append("sent")
        return outcome

    def accept() -> str:
        assert with_the_server.wait(5)
        services.meeting_accept(meeting=meeting, by=meeting.match.mentor.user)
        done.append("accepted")
        return "accepted"

    assert at_once(send, accept) == [dispatch.Outcome.SENT, "accepted"]
    assert done == ["sent", "accepted"]
    assert len([e for e in mail.outbox if "proposes a meeting" in e.subject]) == 1
    row = Notification.objects.get(pk=pk)
    assert (row.state, row.email) == (Notification.State.SENT, True)


# --- Found to hold in a review of delivery (2026-12-01) ------------------------------------------------------


def test_a_retry_after_an_smtp_failure_racing_a_redelivered_copy_sends_once(monkeypatch: Any) -> None:
    """The first attempt fails (the mail server dropped the line); its retry and two redelivered copies of the
    original message run at the same moment: the person gets the reminder once. (Found to hold in review.)"""
    pk, claim = _claimed_reminder()
    real = EmailBackend.send_messages
    state = {"n": 0}

    def flaky(self: Any, messages: Any) -> int:
        state["n"] += 1
        if state["n"] == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        time.sleep(0.3)
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    first = dispatch.notification_send(notification_id=pk, claim=claim)
    assert first.outcome == dispatch.Outcome.RETRY

    def send() -> str:
        return dispatch.notification_send(notification_id=pk, claim=claim).outcome.value

    outcomes = at_once(send, send, send)
    assert len(mail.outbox) == 1, (outcomes, len(mail.outbox))


def test_two_beats_and_a_stale_task_for_a_swept_row_send_it_once(settings: Any) -> None:
    """A worker died holding a reminder; two beat processes sweep it at the same tick while the dead worker's
    message is redelivered: the reminder goes out once."""
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 60
    pk, old_claim = _claimed_reminder()
    Notification.objects.filter(pk=pk).update(claimed_at=timezone.now() - timedelta(minutes=5))

    def beat() -> Any:
        return dispatch.notifications_dispatch_due(
            enqueue=lambda p, c: dispatch.notification_send(notification_id=p, claim=c)
        )

    def stale() -> str:
        return dispatch.notification_send(notification_id=pk, claim=old_claim).outcome.value

    outcomes = at_once(beat, beat, stale)
    sent = Counter(int(e.extra_headers["X-Mentorship-Notification"]) for e in mail.outbox)
    assert sent == {pk: 1}, (outcomes, sent)


def test_ending_a_match_while_a_meeting_is_accepted_leaves_no_reminder(coordinator: Any) -> None:
    """A coordinator ends the match at the moment the trainee accepts a meeting: nobody is reminded of a meeting
    in a mentorship that is over."""
    from matching.services.decisions import match_end

    match = approved_match()
    match.program.coordinators.add(coordinator)
    accept = _accept_in_three_days(match)

    def end() -> str:
        match_end(match=match, by=coordinator, reason="over")
        return "ended"

    outcomes = at_once(accept, end)
    live = Notification.objects.filter(
        kind__in=["meeting_reminder", "meeting_feedback_prompt", "session_log_prompt"],
        state__in=["pending", "sending"],
    )
    assert not live.exists(), (outcomes, list(live.values("kind", "state")))
