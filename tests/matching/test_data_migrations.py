"""Data migrations that bring rows written by older code in line with today's rules (run on today's models)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from matching.models import Match, MatchTransition
from meetings.models import Meeting
from notifications.models import Notification
from tests.factories import MatchFactory, MeetingFactory, NotificationFactory, ProgramFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db


def test_requests_left_waiting_beside_an_approved_mentor_are_closed_with_the_reason() -> None:
    migration = importlib.import_module("matching.migrations.0004_close_requests_superseded_by_approval")
    program, trainee = ProgramFactory(name="Surgery"), TraineeProfileFactory()
    approved = MatchFactory(program=program, trainee=trainee, status="approved", mentor__user__full_name="Dr Ada")
    stale = MatchFactory(program=program, trainee=trainee, status="requested", origin="request")
    reminder = NotificationFactory(object_type="match", object_id=stale.pk, state="failed")
    elsewhere = MatchFactory(trainee=trainee, status="requested", origin="request")  # another program
    unmatched = MatchFactory(program=program, status="requested", origin="request")  # no approved mentor

    migration.close_superseded(apps, None)

    stale.refresh_from_db()
    assert (stale.status, stale.decision_reason) == ("cancelled", "Dr Ada was approved as mentor in Surgery.")
    assert MatchTransition.objects.filter(match=stale, to_status="cancelled").count() == 1
    assert Notification.objects.get(pk=reminder.pk).state == "cancelled"  # cannot be retried for a closed request
    assert Match.objects.get(pk=elsewhere.pk).status == "requested"
    assert Match.objects.get(pk=unmatched.pk).status == "requested"
    assert Match.objects.get(pk=approved.pk).status == "approved"


def test_failed_messages_of_meetings_cancelled_before_are_cancelled() -> None:
    migration = importlib.import_module("meetings.migrations.0004_cancel_failed_messages_of_cancelled_meetings")
    off = MeetingFactory(status=Meeting.Status.CANCELLED)
    on = MeetingFactory()
    failed_off = NotificationFactory(object_type="meeting", object_id=off.pk, state="failed")
    failed_on = NotificationFactory(object_type="meeting", object_id=on.pk, state="failed")

    migration.cancel_failed(apps, None)

    assert Notification.objects.get(pk=failed_off.pk).state == "cancelled"
    assert Notification.objects.get(pk=failed_on.pk).state == "failed"  # its meeting is on: Retry may send it


def test_unsent_reminders_written_before_expiry_existed_expire_when_their_meeting_starts() -> None:
    migration = importlib.import_module("meetings.migrations.0005_reminders_expire_when_the_meeting_starts")
    meeting = MeetingFactory()
    old = [
        NotificationFactory(kind="meeting_reminder", object_type="meeting", object_id=meeting.pk, state=state)
        for state in ("pending", "sending", "failed")
    ]
    sent = NotificationFactory(kind="meeting_reminder", object_type="meeting", object_id=meeting.pk, state="sent")
    prompt = NotificationFactory(kind="feedback_prompt", object_type="meeting", object_id=meeting.pk, state="pending")

    migration.expire_at_start(apps, None)

    assert {Notification.objects.get(pk=n.pk).expires_at for n in old} == {meeting.start}
    assert Notification.objects.get(pk=sent.pk).expires_at is None  # history stays as it was
    assert Notification.objects.get(pk=prompt.pk).expires_at is None  # a feedback prompt is due after the meeting


def test_a_mentor_without_a_name_is_named_by_e_mail_in_the_reason() -> None:
    migration = importlib.import_module("matching.migrations.0004_close_requests_superseded_by_approval")
    program, trainee = ProgramFactory(name="Surgery"), TraineeProfileFactory()
    MatchFactory(
        program=program,
        trainee=trainee,
        status="approved",
        mentor__user__full_name="",
        mentor__user__email="nameless@uni.edu",
    )
    stale = MatchFactory(program=program, trainee=trainee, status="requested", origin="request")
    migration.close_superseded(apps, None)
    stale.refresh_from_db()
    assert stale.decision_reason == "nameless@uni.edu was approved as mentor in Surgery."
