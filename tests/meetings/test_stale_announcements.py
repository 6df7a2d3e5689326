"""An e-mail that puts a meeting's time to someone is not sent once it is out of date: the proposal was answered,
or the meeting was moved again, before the worker got to it (busy, or down for a while). Its in-app copy stays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification
from tests.factories import video_meeting_proposed

pytestmark = pytest.mark.django_db


def send_due() -> None:
    notifications_dispatch_due(enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim))


def subjects_to(address: str) -> list[str]:
    return [str(email.subject) for email in mail.outbox if email.to == [address]]


def at(days: int, hour: int) -> Any:
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def test_a_proposal_accepted_before_its_email_left_is_not_emailed_but_stays_in_the_inbox(
    mentor: Any, trainee: Any, login: Any
) -> None:
    # Before: the mentor accepted in the app at once, then got "Tara Trainee proposes a meeting" by e-mail asking
    # them to answer what they had already answered.
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=at(3, 15))
    services.meeting_accept(meeting=meeting, by=mentor.user)
    send_due()

    assert not any("propose" in subject.lower() for subject in subjects_to(mentor.user.email))
    assert len(subjects_to(trainee.user.email)) == 1  # "accepted", to the proposer
    proposal = Notification.objects.get(kind="meeting_proposed")
    assert (proposal.email, proposal.state) == (False, Notification.State.SENT)
    inbox = login(mentor.user).get(reverse("notifications-inbox")).content.decode()
    assert "proposes a meeting" in inbox


def test_a_meeting_moved_twice_before_the_worker_ran_emails_only_the_latest_time(
    mentor: Any, trainee: Any, login: Any
) -> None:
    meeting = video_meeting_proposed(mentor, trainee, by=mentor.user, start=at(3, 15))
    services.meeting_accept(meeting=meeting, by=trainee.user)
    send_due()
    mail.outbox.clear()
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(4, 15))
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=at(4, 17))
    send_due()

    assert len([s for s in subjects_to(trainee.user.email) if "moved" in s.lower()]) == 1
    meeting.refresh_from_db()
    assert meeting.start == at(4, 17)
    rows = Notification.objects.filter(kind="meeting_rescheduled").order_by("pk")
    assert [(row.email, row.state) for row in rows] == [
        (False, Notification.State.SENT),
        (True, Notification.State.SENT),
    ]
    # Both stay in the trainee's inbox, each with the time it named (the meeting's history).
    inbox = login(trainee.user).get(reverse("notifications-inbox")).content.decode()
    for start in (at(4, 15), at(4, 17)):
        assert f"Meeting moved to {start.astimezone(ZoneInfo('America/Chicago')):%a %-d %b %Y, %H:%M}" in inbox


def test_a_message_already_being_sent_is_left_to_go(mentor: Any, trainee: Any, monkeypatch: Any) -> None:
    # Accepted while the proposal's e-mail is with the mail server: that e-mail has left, nothing stops it, and the
    # row says it was e-mailed. (A claimed one still waiting for its send is not e-mailed any more:
    # tests/notifications/test_answered_during_outage.py; on PostgreSQL the accept waits for the send's row lock:
    # tests/notifications/test_dispatch_concurrency.py.)
    from notifications import dispatch

    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=at(3, 15))
    real_send = dispatch.EmailMultiAlternatives.send

    def accepted_while_sending(message: Any, fail_silently: bool = False) -> int:
        services.meeting_accept(meeting=meeting, by=mentor.user)
        return real_send(message, fail_silently)

    monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", accepted_while_sending)
    queued: list[tuple[int, str]] = []
    notifications_dispatch_due(enqueue=lambda pk, claim: queued.append((pk, claim)))
    assert [notification_send(notification_id=pk, claim=claim).outcome for pk, claim in queued] == [
        dispatch.Outcome.SENT
    ]

    assert ["proposes a meeting" in s for s in subjects_to(mentor.user.email)] == [True]
    proposal = Notification.objects.get(kind="meeting_proposed")
    assert (proposal.state, proposal.email) == (Notification.State.SENT, True)
    meeting.refresh_from_db()
    assert meeting.status == "accepted"
