"""A prompt whose task is done no longer counts as new. Before, after the mentor logged the session and gave
feedback (from the home page), the delivered "Log your session" and "How was your meeting" messages still counted on
the bell and were marked New in the inbox: only the unsent ones were cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from meetings import services
from meetings.models import Meeting
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification
from tests.factories import mentors_today, video_meeting_proposed

pytestmark = pytest.mark.django_db

PROMPTS = ("session_log_prompt", "meeting_feedback_prompt")


def send_due(now: datetime) -> None:
    with freeze_time(now):
        notifications_dispatch_due(
            enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim), now=now
        )


def held(mentor: Any, trainee: Any) -> Meeting:
    """Accepted, held, and both prompts delivered when it ended."""
    start = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=start)
    services.meeting_accept(meeting=meeting, by=mentor.user)
    send_due(meeting.end + timedelta(minutes=5))
    assert set(unread(mentor.user, meeting)) == set(PROMPTS)
    return Meeting.objects.get(pk=meeting.pk)


def log_the_session(meeting: Meeting, mentor: Any, notes: str) -> None:
    services.session_log_create(
        match=meeting.match,
        by=mentor.user,
        meeting=meeting,
        date=mentors_today(meeting.match),
        duration_minutes=30,
        notes_shared=notes,
    )


def unread(user: Any, meeting: Meeting) -> list[str]:
    """The prompts about the meeting that count as new for `user` on the bell (read the day after it)."""
    inbox = Notification.objects.inbox_for(user, now=meeting.end + timedelta(days=1))
    rows = inbox.filter(read_at__isnull=True, object_type="meeting", object_id=meeting.pk, kind__in=PROMPTS)
    return list(rows.values_list("kind", flat=True))


def test_logging_the_session_marks_its_prompt_read_and_giving_feedback_marks_that_one(
    mentor: Any, trainee: Any, login: Any
) -> None:
    meeting = held(mentor, trainee)
    with freeze_time(meeting.end + timedelta(hours=1)):
        log_the_session(meeting, mentor, "Went through the abstract.")
        assert unread(mentor.user, meeting) == ["meeting_feedback_prompt"]
        services.feedback_submit(meeting=meeting, by=mentor.user, rating=5, useful=True, good_fit=True)
        assert unread(mentor.user, meeting) == []
        # Still in the inbox, as the meeting's history; only no longer new.
        inbox = login(mentor.user).get(reverse("notifications-inbox")).content.decode()
    assert "Log your session with Tara Trainee" in inbox


def test_the_mentors_feedback_leaves_the_trainees_prompt_new(mentor: Any, trainee: Any) -> None:
    meeting = held(mentor, trainee)
    assert unread(trainee.user, meeting) == ["meeting_feedback_prompt"]
    with freeze_time(meeting.end + timedelta(hours=1)):
        services.feedback_submit(meeting=meeting, by=mentor.user, rating=4, useful=True, good_fit=True)
    assert unread(trainee.user, meeting) == ["meeting_feedback_prompt"]
    with freeze_time(meeting.end + timedelta(hours=2)):
        services.feedback_submit(meeting=meeting, by=trainee.user, rating=4, useful=True, good_fit=True)
    assert unread(trainee.user, meeting) == []


def test_a_prompt_the_user_read_keeps_the_moment_they_read_it(mentor: Any, trainee: Any) -> None:
    meeting = held(mentor, trainee)
    prompt = Notification.objects.get(recipient=mentor.user, kind="session_log_prompt")
    read_at = meeting.end + timedelta(minutes=10)
    Notification.objects.filter(pk=prompt.pk).update(read_at=read_at)
    with freeze_time(meeting.end + timedelta(hours=1)):
        log_the_session(meeting, mentor, "Done")
    prompt.refresh_from_db()
    assert prompt.read_at == read_at


def test_the_bell_counts_the_done_prompts_no_more(mentor: Any, trainee: Any) -> None:
    from notifications.services import notifications_mark_read_about

    meeting = held(mentor, trainee)
    with freeze_time(meeting.end + timedelta(hours=1)):
        before = Notification.objects.unread_for(mentor.user).count()
        assert notifications_mark_read_about(about=meeting, kinds=PROMPTS, recipient=mentor.user) == 2
        assert Notification.objects.unread_for(mentor.user).count() == before - 2
        # Someone else's messages and other kinds are left as they are.
        assert Notification.objects.unread_for(mentor.user).filter(kind="meeting_accepted").exists()
    assert unread(trainee.user, meeting) == ["meeting_feedback_prompt"]


# --- The check-in ---------------------------------------------------------------------------------------------
# Left over from the change above: answering the check-in left its delivered prompt counting as new on the bell.


def test_answering_the_check_in_marks_that_periods_prompt_read_and_no_other(
    mentor: Any, trainee: Any, login: Any
) -> None:
    from meetings.services.followups import matches_follow_up
    from tests.factories import approved_match

    decided = timezone.now() - timedelta(days=31)
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=decided)
    matches_follow_up()  # period 0's check-in, to both
    send_due(timezone.now())

    def new_checkins(user: Any, now: datetime) -> list[int]:
        inbox = Notification.objects.inbox_for(user, now=now).filter(read_at__isnull=True, kind="checkin_survey")
        return sorted(row.context["period"] for row in inbox)

    assert new_checkins(trainee.user, timezone.now()) == [0]
    answered = login(trainee.user).post(
        reverse("meetings-checkin", args=[match.pk, 0]), {"going_well": 4, "comment": ""}
    )
    assert answered.status_code == 302
    assert new_checkins(trainee.user, timezone.now()) == []
    assert new_checkins(mentor.user, timezone.now()) == [0]  # the mentor has not answered theirs

    # The next period's prompt is a new question: answering period 0 did not mark it read ahead of time.
    later = decided + timedelta(days=30 + 60 + 1)
    matches_follow_up(now=later)
    send_due(later)
    assert new_checkins(trainee.user, later) == [1]
    assert new_checkins(mentor.user, later) == [0, 1]
    # And answering the current period marks only its own: the one the mentor let pass stays as it was.
    with freeze_time(later):
        services.checkin_submit(match=match, by=mentor.user, period=1, going_well=5)
    assert new_checkins(mentor.user, later) == [0]
