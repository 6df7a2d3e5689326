"""A message putting a meeting's time to someone whose first attempt failed (the mail server down) waits in
`sending` between retries, possibly for days. Answered or moved again meanwhile, it is out of date: when the server
is back it is not e-mailed, and stays in the inbox as the meeting's history. Each attempt re-reads `email` under its
row lock; a send already talking to the mail server is left to finish (tests/meetings/test_stale_announcements.py,
and on PostgreSQL tests/notifications/test_dispatch_concurrency.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from notifications import dispatch, sending
from notifications.models import Notification
from tests.factories import approved_match
from tests.notifications.test_dispatch import Recorder, run_sends

pytestmark = pytest.mark.django_db
State = Notification.State
Outcome = dispatch.Outcome


@pytest.fixture
def smtp(monkeypatch: Any) -> Any:
    """`smtp(up=False)` takes the mail server down, `smtp(up=True)` brings it back."""
    real_send = dispatch.EmailMultiAlternatives.send

    def down(self: Any, fail_silently: bool = False) -> int:
        raise OSError("SMTP server unreachable")

    def switch(*, up: bool) -> None:
        monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", real_send if up else down)

    return switch


def in_days(days: int, hour: int = 15) -> Any:
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def propose(match: Any, by: Any, start: Any) -> Meeting:
    return services.meeting_propose(
        match=match, by=by, start=start, duration_minutes=45, format="video", video_link="https://video.example.org/r"
    )


def claim_and_fail_once(smtp: Any) -> Recorder:
    """A beat tick claims what is due; the first attempt of each finds the mail server down: retries wait."""
    smtp(up=False)
    queued = Recorder()
    dispatch.notifications_dispatch_due(enqueue=queued)
    assert {r.outcome for r in run_sends(queued)} == {Outcome.RETRY}
    return queued


def subjects_to(user: Any) -> list[str]:
    return [str(m.subject) for m in mail.outbox if m.to == [user.email]]


def test_a_proposal_answered_during_a_mail_outage_is_not_emailed_once_the_server_is_back(
    mentor: Any, trainee: Any, smtp: Any, login: Any
) -> None:
    meeting = propose(approved_match(mentor=mentor, trainee=trainee), trainee.user, in_days(3))
    queued = claim_and_fail_once(smtp)
    services.meeting_accept(meeting=meeting, by=mentor.user)
    smtp(up=True)

    # Before: the retry e-mailed the mentor "Tara Trainee proposes a meeting on …" for a meeting they had accepted.
    assert [r.outcome for r in run_sends(queued)] == [Outcome.SKIPPED]
    assert subjects_to(mentor.user) == []
    proposal = Notification.objects.get(kind="meeting_proposed")
    assert (proposal.state, proposal.email, proposal.attempts) == (State.SENT, False, 1)
    assert proposal.last_error.startswith(dispatch.EMAIL_TURNED_OFF)
    assert "SMTP server unreachable" in proposal.last_error  # the outage it waited through, for the admin
    assert "proposes a meeting" in login(mentor.user).get(reverse("notifications-inbox")).content.decode()
    # The acceptance itself is news: it goes to the trainee once.
    dispatch.notifications_dispatch_due(
        enqueue=lambda pk, claim: dispatch.notification_send(notification_id=pk, claim=claim)
    )
    assert ["Meeting confirmed" in s for s in subjects_to(trainee.user)] == [True]


def test_a_proposal_answered_with_another_time_during_an_outage_emails_only_the_other_time(
    mentor: Any, trainee: Any, smtp: Any
) -> None:
    meeting = propose(approved_match(mentor=mentor, trainee=trainee), trainee.user, in_days(3))
    queued = claim_and_fail_once(smtp)
    services.meeting_suggest_time(meeting=meeting, by=mentor.user, start=in_days(4))
    smtp(up=True)
    run_sends(queued)
    dispatch.notifications_dispatch_due(
        enqueue=lambda pk, claim: dispatch.notification_send(notification_id=pk, claim=claim)
    )

    assert subjects_to(mentor.user) == []  # not "Tara Trainee proposes a meeting" for a time they turned down
    assert ["suggests another time" in s for s in subjects_to(trainee.user)] == [True]


def test_a_meeting_moved_again_during_an_outage_emails_only_the_latest_time(
    mentor: Any, trainee: Any, smtp: Any
) -> None:
    meeting = propose(approved_match(mentor=mentor, trainee=trainee), mentor.user, in_days(3))
    services.meeting_accept(meeting=meeting, by=trainee.user)
    dispatch.notifications_dispatch_due(
        enqueue=lambda pk, claim: dispatch.notification_send(notification_id=pk, claim=claim)
    )
    mail.outbox.clear()

    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=in_days(4))
    queued = claim_and_fail_once(smtp)
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=in_days(4, hour=17))
    smtp(up=True)
    run_sends(queued)
    dispatch.notifications_dispatch_due(
        enqueue=lambda pk, claim: dispatch.notification_send(notification_id=pk, claim=claim)
    )

    latest = in_days(4, hour=17).astimezone(ZoneInfo(trainee.time_zone))
    assert [s for s in subjects_to(trainee.user) if "moved" in s.lower()] == [
        f"Meeting moved to {latest:%a %-d %b %Y, %H:%M} ({trainee.time_zone})"
    ]
    rows = Notification.objects.filter(kind="meeting_rescheduled").order_by("pk")
    assert [(row.email, row.state) for row in rows] == [(False, State.SENT), (True, State.SENT)]


def test_an_email_turned_off_between_an_attempts_two_transactions_is_not_sent(
    mentor: Any, trainee: Any, smtp: Any, monkeypatch: Any
) -> None:
    # The attempt is counted and committed first, then the row is locked again for the send: an accept landing in
    # between is seen by the second lock.
    meeting = propose(approved_match(mentor=mentor, trainee=trainee), trainee.user, in_days(3))
    queued = claim_and_fail_once(smtp)
    smtp(up=True)
    real_connection = sending.get_connection

    def accepted_meanwhile(*args: Any, **kwargs: Any) -> Any:
        if Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PROPOSED:
            services.meeting_accept(meeting=meeting, by=mentor.user)
        return real_connection(*args, **kwargs)

    monkeypatch.setattr(sending, "get_connection", accepted_meanwhile)

    assert [r.outcome for r in run_sends(queued)] == [Outcome.SKIPPED]
    assert subjects_to(mentor.user) == []
    proposal = Notification.objects.get(kind="meeting_proposed")
    # Two attempts started, neither was stopped mid-send: nothing counts against the message.
    assert (proposal.state, proposal.email, proposal.attempts, proposal.attempts_without_result) == (
        State.SENT,
        False,
        2,
        0,
    )


def test_a_turned_off_email_whose_send_task_was_lost_is_swept_and_delivered_in_app_only(
    mentor: Any, trainee: Any, smtp: Any
) -> None:
    meeting = propose(approved_match(mentor=mentor, trainee=trainee), trainee.user, in_days(3))
    claim_and_fail_once(smtp)  # the task retrying it is then lost with its worker
    services.meeting_accept(meeting=meeting, by=mentor.user)
    smtp(up=True)
    later = Recorder()
    dispatch.notifications_dispatch_due(enqueue=later, now=timezone.now() + dispatch.lease() + timedelta(minutes=1))
    run_sends(later)

    # The one who accepted gets their confirmed invitation ("Meeting confirmed"), never the answered proposal.
    assert [s for s in subjects_to(mentor.user) if not s.startswith("Meeting confirmed")] == []
    proposal = Notification.objects.get(kind="meeting_proposed")
    assert proposal.pk not in [pk for pk, _ in later.sent]  # no task needed: the sweep's tick delivered it
    assert (proposal.state, proposal.email) == (State.SENT, False)


def test_a_failed_proposal_answered_since_is_not_emailed_by_a_retry_in_the_admin(
    mentor: Any, trainee: Any, smtp: Any
) -> None:
    from notifications.services import notifications_retry

    meeting = propose(approved_match(mentor=mentor, trainee=trainee), trainee.user, in_days(3))
    Notification.objects.filter(kind="meeting_proposed").update(state=State.FAILED, last_error="550 mailbox full")
    services.meeting_accept(meeting=meeting, by=mentor.user)
    proposal = Notification.objects.get(kind="meeting_proposed")
    assert notifications_retry(ids=[proposal.pk]).requeued == 1
    smtp(up=True)
    dispatch.notifications_dispatch_due(
        enqueue=lambda pk, claim: dispatch.notification_send(notification_id=pk, claim=claim)
    )

    # The one who accepted gets their confirmed invitation ("Meeting confirmed"), never the answered proposal.
    assert [s for s in subjects_to(mentor.user) if not s.startswith("Meeting confirmed")] == []
    proposal.refresh_from_db()
    assert (proposal.state, proposal.email) == (State.SENT, False)
