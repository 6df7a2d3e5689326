"""The program's meetings as coordinators read them on the health page and in its CSV reports, registered with
matching (`matching.coordination.meeting_activity`), which may not import this app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.db.models.functions import TruncMonth

from matching.coordination.meeting_activity import MeetingActivity, SessionsReport, meeting_activity_register
from matching.models import Program
from meetings.models import Meeting, SessionLog
from meetings.selectors.answer_totals import feedback_totals
from profiles.models import FocusArea

SESSIONS_HEADER = [
    "id",
    "match_id",
    "trainee",
    "mentor",
    "date",
    "duration_minutes",
    "topics",
    "notes_shared",
    "next_steps",
]


def agreed_meeting() -> Exists:
    """A match whose two people have agreed a meeting: what counts as their first meeting."""
    return Exists(Meeting.objects.agreed().filter(match=OuterRef("pk")))


def sessions_per_month(program: Program) -> list[tuple[str, int]]:
    months = (
        SessionLog.objects.filter(match__program=program)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [(row["month"].strftime("%b %Y"), row["n"]) for row in months if row["month"]]


def _session_rows(program: Program) -> Iterator[list[Any]]:
    sessions = (
        SessionLog.objects.filter(match__program=program)
        .select_related("match__trainee__user", "match__mentor__user")
        # A session logged with topics alone said nothing in the file; one query per chunk of 2,000, not per row.
        .prefetch_related(Prefetch("topics", queryset=FocusArea.objects.only("name").order_by("position", "name")))
        .order_by("date", "pk")
    )
    for s in sessions.iterator(chunk_size=2000):
        # Private notes never leave the mentor's view.
        yield [
            s.pk,
            s.match_id,
            s.match.trainee.user.full_name,
            s.match.mentor.user.full_name,
            s.date.isoformat(),
            s.duration_minutes,
            "; ".join(topic.name for topic in s.topics.all()),
            s.notes_shared,
            s.next_steps,
        ]


def sessions_report(program: Program) -> SessionsReport:
    return SessionsReport(header=SESSIONS_HEADER, rows=_session_rows(program))


def register_program_activity() -> None:
    meeting_activity_register(
        MeetingActivity(
            agreed_meeting=agreed_meeting,
            sessions_per_month=sessions_per_month,
            sessions_report=sessions_report,
            feedback_totals=lambda program, now: feedback_totals(program, now=now),
        )
    )
