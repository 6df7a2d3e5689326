"""The proposal e-mail says what is proposed, so the trainee can decide from it: where, and the agenda."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services
from notifications.dispatch import notification_send, notifications_dispatch_due
from tests.factories import approved_match

pytestmark = pytest.mark.django_db


def test_the_proposal_email_names_the_place_and_the_agenda(mentor: Any, trainee: Any) -> None:
    services.meeting_propose(
        match=approved_match(mentor=mentor, trainee=trainee),
        by=mentor.user,
        start=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        format="in_person",
        place="Room 4B, Heart Institute",
        agenda="Your CV & the research elective",
    )
    notifications_dispatch_due(enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim))
    (email,) = mail.outbox
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert "in person: Room 4B, Heart Institute" in body
    assert "Agenda: Your CV & the research elective" in email.body
    assert "Agenda: Your CV &amp; the research elective" in html


def test_a_declined_proposal_is_told_as_declined_not_as_a_cancelled_meeting(mentor: Any, trainee: Any) -> None:
    proposal = services.meeting_propose(
        match=approved_match(mentor=mentor, trainee=trainee),
        by=mentor.user,
        start=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        format="phone",
        phone="+1 555 0100",
    )
    services.meeting_cancel(meeting=proposal, by=trainee.user, reason="On nights that week")
    notifications_dispatch_due(enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim))
    (declined,) = [email for email in mail.outbox if email.to == ["maya@example.org"]]
    assert declined.subject.startswith("Time declined:")
    assert "Tara Trainee declined the time you proposed," in declined.body
    assert "Reason: On nights that week" in declined.body
