"""A message already claimed and queued when its reason changes: a meeting cancelled or moved, a reminder that
went stale while the workers or beat were down."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from notifications import dispatch
from notifications.models import Notification
from tests.factories import approved_match
from tests.notifications.test_dispatch import Recorder, run_sends

pytestmark = pytest.mark.django_db
State = Notification.State


@pytest.fixture
def match(mentor: Any, trainee: Any) -> Any:
    return approved_match(mentor=mentor, trainee=trainee)


def accepted_meeting(match: Any, mentor: Any, trainee: Any, start: datetime) -> Meeting:
    meeting = services.meeting_propose(
        match=match,
        by=mentor.user,
        start=start,
        duration_minutes=45,
        format="video",
        video_link="https://meet.example.org/x",
    )
    return services.meeting_accept(meeting=meeting, by=trainee.user)


def reminders(meeting: Meeting) -> list[Notification]:
    return list(Notification.objects.filter(kind="meeting_reminder", object_id=meeting.pk))


def claim_the_24h_reminders(meeting: Meeting) -> Recorder:
    """The beat tick at the 24-hour reminders' due time: they are claimed and their send tasks queued (what was due
    before, the proposal and the acceptance, has gone out)."""
    earlier = Recorder()
    dispatch.notifications_dispatch_due(enqueue=earlier)
    run_sends(earlier)
    mail.outbox.clear()
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder, now=meeting.start - timedelta(hours=24))
    queued = Notification.objects.filter(pk__in=[pk for pk, _ in recorder.sent])
    assert sorted(queued.values_list("kind", "state")) == [("meeting_reminder", State.SENDING)] * 2
    return recorder


def test_a_meeting_cancelled_while_its_reminders_are_queued_sends_no_reminder(
    match: Any, mentor: Any, trainee: Any
) -> None:
    meeting = accepted_meeting(match, mentor, trainee, timezone.now() + timedelta(days=3))
    queued = claim_the_24h_reminders(meeting)
    services.meeting_cancel(meeting=meeting, by=mentor.user, reason="Clinic overran")
    assert [r.outcome for r in run_sends(queued)] == [dispatch.Outcome.SKIPPED] * 2
    assert [m.subject for m in mail.outbox if "Reminder" in m.subject] == []
    assert {r.state for r in reminders(meeting)} == {State.CANCELLED}


def test_a_meeting_moved_while_its_reminders_are_queued_sends_only_the_new_times_reminders(
    match: Any, mentor: Any, trainee: Any
) -> None:
    meeting = accepted_meeting(match, mentor, trainee, timezone.now() + timedelta(days=3))
    queued = claim_the_24h_reminders(meeting)
    old = {pk for pk, _ in queued.sent}
    services.meeting_reschedule(meeting=meeting, by=trainee.user, start=meeting.start + timedelta(days=2))
    run_sends(queued)
    assert mail.outbox == []  # "in 24 hours" two days early would be wrong; the new time has its own reminders
    assert set(Notification.objects.filter(pk__in=old).values_list("state", flat=True)) == {State.CANCELLED}
    new = Notification.objects.filter(kind="meeting_reminder", object_id=meeting.pk, state=State.PENDING)
    assert new.count() == 4


def test_reminders_that_fell_due_while_beat_was_down_are_not_sent_once_the_meeting_has_begun(
    match: Any, mentor: Any, trainee: Any
) -> None:
    meeting = accepted_meeting(match, mentor, trainee, timezone.now() + timedelta(days=3))
    earlier = Recorder()
    dispatch.notifications_dispatch_due(enqueue=earlier)  # the proposal and the acceptance
    # Beat comes back five minutes into the meeting: both the 24-hour and the 1-hour reminders are overdue.
    recorder = Recorder()
    dispatch.notifications_dispatch_due(enqueue=recorder, now=meeting.start + timedelta(minutes=5))
    run_sends(recorder)
    assert [m.subject for m in mail.outbox if m.subject.startswith("Reminder")] == []
    stale = reminders(meeting)
    assert len(stale) == 4
    assert {r.state for r in stale} == {State.CANCELLED}
    assert all(r.last_error.startswith("Expired") for r in stale)  # what a coordinator reads in the admin


def test_a_reminder_still_failing_when_its_meeting_begins_is_cancelled_not_sent_late(
    match: Any, mentor: Any, trainee: Any, monkeypatch: Any
) -> None:
    from freezegun import freeze_time

    meeting = accepted_meeting(match, mentor, trainee, timezone.now() + timedelta(days=3))
    one_hour_before = meeting.start - timedelta(hours=1)
    Notification.objects.exclude(kind="meeting_reminder", context__lead_hours=1).update(state=State.SENT)
    real_send = dispatch.EmailMultiAlternatives.send

    def smtp_down(self: Any, fail_silently: bool = False) -> int:
        raise OSError("SMTP server unreachable")

    recorder = Recorder()
    with freeze_time(one_hour_before):
        dispatch.notifications_dispatch_due(enqueue=recorder)
        monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", smtp_down)
        assert {r.outcome for r in run_sends(recorder)} == {dispatch.Outcome.RETRY}
    monkeypatch.setattr(dispatch.EmailMultiAlternatives, "send", real_send)
    with freeze_time(meeting.start + timedelta(minutes=2)):  # the mail server is back; the retries run now
        assert {r.outcome for r in run_sends(recorder)} == {dispatch.Outcome.SKIPPED}
    assert mail.outbox == []
    assert {r.state for r in reminders(meeting) if r.context["lead_hours"] == 1} == {State.CANCELLED}
