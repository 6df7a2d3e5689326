"""The outbox rows a meeting owns: reminders before it, prompts after it. Written in the caller's transaction.

Each row's occurrence names the meeting's start and sequence, so a moved meeting gets fresh rows (the old ones
are cancelled) while writing the same meeting twice writes nothing new.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from meetings.models import Meeting
from meetings.people import participants
from notifications.models import Notification
from notifications.services import notifications_cancel, notify

REMINDER = "meeting_reminder"
FEEDBACK_PROMPT = "meeting_feedback_prompt"
SESSION_LOG_PROMPT = "session_log_prompt"
SCHEDULED_KINDS = (REMINDER, FEEDBACK_PROMPT, SESSION_LOG_PROMPT)


OCCURRENCE_START = "%Y%m%dT%H%MZ"


def occurrence_of(meeting: Meeting) -> str:
    """The meeting's version in its messages' outbox keys; its start in UTC, whatever zone the caller gave it in
    (`meeting_as_sent` reads it back as UTC)."""
    return f"{meeting.start.astimezone(UTC):{OCCURRENCE_START}}-s{meeting.sequence}"


def meeting_as_sent(meeting: Meeting, notification: Notification) -> Meeting:
    """The meeting at the time a message about it names (its occurrence): a proposal's message still reads the
    time proposed after the meeting was moved. The meeting itself when the occurrence names no other time."""
    try:
        start = datetime.strptime(notification.occurrence.split("-", 1)[0], OCCURRENCE_START).replace(tzinfo=UTC)
    except ValueError:
        return meeting
    if start == meeting.start.replace(second=0, microsecond=0):
        return meeting
    then = copy.copy(meeting)
    then.start = start
    return then


def meeting_followups_write(*, meeting: Meeting, now: datetime | None = None) -> None:
    """Reminders at each of the program's lead times to both people (skipping lead times already past), then a
    feedback prompt to both and a session-log prompt to the mentor when the meeting ends."""
    now = now or timezone.now()
    mentor, trainee = participants(meeting.match)
    base = occurrence_of(meeting)
    leads = sorted(set(meeting.match.program.reminder_lead_hours), reverse=True)
    for lead_hours, next_lead in zip(leads, [*leads[1:], 0], strict=True):
        due_at = meeting.start - timedelta(hours=lead_hours)
        if due_at <= now:
            continue
        for person in (mentor, trainee):
            notify(
                recipient=person,
                kind=REMINDER,
                about=meeting,
                due_at=due_at,
                # Late (beat or the mail server down, a failed one retried), it gives way to the next reminder
                # once that is due, rather than arriving beside it, and the last one to the meeting itself (it
                # would announce a meeting that has begun). Sent late before then, it says the time left.
                expires_at=meeting.start - timedelta(hours=next_lead),
                occurrence=f"{base}-{lead_hours}h",
                context={"lead_hours": lead_hours},
            )
    for person in (mentor, trainee):
        notify(recipient=person, kind=FEEDBACK_PROMPT, about=meeting, due_at=meeting.end, occurrence=base)
    notify(recipient=mentor, kind=SESSION_LOG_PROMPT, about=meeting, due_at=meeting.end, occurrence=base)


def meeting_followups_cancel(*, meeting: Meeting) -> int:
    return notifications_cancel(about=meeting, kinds=SCHEDULED_KINDS)
