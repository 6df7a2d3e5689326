"""Which session a log is: the same form sent again (a twin of a log just written, told by its content), and the
meeting a log that names none is about (the one held that day)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from matching.models import Match
from meetings.models import Meeting, SessionLog
from meetings.people import time_zone_for
from profiles.models import User

#: A log identical to one the same mentor wrote for the match this recently is the same form sent again (a form
#: the browser fetched anew on Back carries a new id).
TWIN_WITHIN = timedelta(minutes=30)


def log_content(
    *,
    date_: date,
    duration_minutes: int,
    meeting_id: int | None,
    notes: tuple[str, str, str],
    topic_ids: Iterable[int],
    goals: Iterable[tuple[int, int]],
) -> tuple[Any, ...]:
    """Everything a log says, to tell the same session sent twice from another one."""
    return (date_, duration_minutes, meeting_id, notes, tuple(sorted(topic_ids)), tuple(sorted(goals)))


def log_content_of(log: SessionLog, *, with_meeting: bool = True) -> tuple[Any, ...]:
    """`with_meeting=False` for a sending that named no meeting: the log its first sending wrote may have been
    attached to the day's meeting (`meeting_held_that_day`), or written from the meeting's own link."""
    return log_content(
        date_=log.date,
        duration_minutes=log.duration_minutes,
        meeting_id=log.meeting_id if with_meeting else None,
        notes=(log.notes_shared, log.notes_private, log.next_steps),
        topic_ids=log.topics.values_list("pk", flat=True),
        goals=log.goal_updates.values_list("goal_id", "progress"),
    )


def form_used_up(earlier: SessionLog, meeting: Meeting | None) -> str:
    saved = f"This form was already saved as the log of {earlier.date:%-d %b %Y}; nothing else was saved."
    if meeting is not None:  # a meeting has one log: sending again would only be refused
        return f"{saved} Edit that log."
    return f"{saved} Edit that log, or send these details again to log another session."


def recent_twin(
    *, match: Match, by: User, date_: date, content: tuple[Any, ...], with_meeting: bool
) -> SessionLog | None:
    recent = SessionLog.objects.filter(
        match=match, author=by, date=date_, created_at__gte=timezone.now() - TWIN_WITHIN
    ).order_by("-pk")
    return next((log for log in recent if log_content_of(log, with_meeting=with_meeting) == content), None)


def meeting_held_that_day(*, match: Match, by: User, date_: date) -> Meeting | None:
    """The meeting a log that names none is about: the match's only accepted meeting that has begun, is not logged
    yet and starts on the log's date in the mentor's zone. A mentor who logs from "Log a session" right after a
    meeting means that meeting; left unattached, the meeting still asked to be logged, and following that prompt
    logged the session twice. With two such meetings that day the log cannot tell which: it stays unattached."""
    zone = time_zone_for(match, by)
    around = Meeting.objects.filter(
        match=match,
        status=Meeting.Status.ACCEPTED,
        start__lte=timezone.now(),
        # A day in any zone lies within these bounds; the exact day is checked in the mentor's zone below.
        start__gte=datetime.combine(date_ - timedelta(days=1), time.min, tzinfo=UTC),
        start__lt=datetime.combine(date_ + timedelta(days=2), time.min, tzinfo=UTC),
        session_log__isnull=True,
    )
    held = [meeting for meeting in around if timezone.localdate(meeting.start, zone) == date_]
    return held[0] if len(held) == 1 else None
