"""Feedback and check-ins: each person's own and revealed answers, and coordinators' totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from matching.admin_views import access
from matching.models import Match, Program
from meetings.models import CheckIn, Feedback, Meeting
from meetings.selectors.answer_totals import (
    checkin_totals,
    checkin_totals_by_program,
    feedback_totals,
    feedback_totals_by_program,
)
from profiles.models import User

FEEDBACK_REVEAL_AFTER = timedelta(days=7)


def feedback_visible(*, meeting: Meeting, user: User, now: datetime | None = None) -> list[Feedback]:
    """My own answer always; the other side's once both have answered or a week after the meeting ended."""
    if user.pk not in (meeting.match.mentor.user_id, meeting.match.trainee.user_id):
        return []
    answers = list(meeting.feedback.all())
    both = len({f.author_id for f in answers}) >= 2
    revealed = both or (now or timezone.now()) >= meeting.end + FEEDBACK_REVEAL_AFTER
    return [f for f in answers if f.author_id == user.pk or revealed]


def feedback_mine(*, user: User) -> QuerySet[Feedback]:
    return Feedback.objects.filter(author=user).select_related("meeting")


@dataclass(frozen=True)
class FeedbackSummary:
    role: str
    answers: int
    average_rating: float | None
    useful_pct: int | None
    not_a_good_fit: int
    up_to: date | None  # the last day the totals include: answers join a closed week at a time, 5 or more at once


def feedback_summary(*, program: Program | None = None, now: datetime | None = None) -> list[FeedbackSummary]:
    """Coordinators' aggregate view, with the program health page's figures: no single answer or author is shown,
    nor averages of fewer than `MIN_ANSWERS_FOR_AVERAGES` answers (one answer would show that person's rating), nor
    totals that change by fewer than that many answers (comparing two readings would give the new one away)."""
    return _summary_rows(feedback_totals(program, now=now))


def _summary_rows(by_role: dict[str, dict[str, Any]]) -> list[FeedbackSummary]:
    return [
        FeedbackSummary(
            role=role,
            answers=totals["count"],
            average_rating=totals["rating"],
            useful_pct=totals["useful_pct"],
            not_a_good_fit=totals["not_a_good_fit"],
            up_to=totals["up_to"],
        )
        for role, totals in by_role.items()
    ]


def checkins_summary(*, program: Program | None = None, now: datetime | None = None) -> dict[str, Any]:
    """How many check-ins the totals include, and their average "going well" (1–5), up to the day `up_to`; the
    average is None under `MIN_ANSWERS_FOR_AVERAGES` answers, as for feedback: one answer's average is that person's
    answer. New answers join as feedback does (`meetings.selectors.release`)."""
    return checkin_totals(program, now=now)


def checkin_current_period(match: Match, now: object | None = None) -> int | None:
    """Which check-in is open now (0 = the first), or None before the first is due."""
    approved_at = match.decided_at or match.created_at
    days = ((now or timezone.now()) - approved_at).days  # type: ignore[operator]
    program = match.program
    if days < program.first_checkin_days:
        return None
    return (days - program.first_checkin_days) // program.checkin_every_days


def checkin_to_answer(*, match: Match, user: User, now: datetime | None = None) -> int | None:
    """The check-in `user` is asked to answer in this match now (its period), or None: none is open yet, or they
    have answered it (the match page then offers no "Answer the check-in" that only says so)."""
    period = checkin_current_period(match, now)
    if period is None or CheckIn.objects.filter(match=match, respondent=user, period=period).exists():
        return None
    return period


@dataclass(frozen=True)
class ProgramFeedback:
    name: str
    rows: list[FeedbackSummary]
    checkins: dict[str, Any]
    combined: bool = False  # every program together (a superuser's): each released on its own, summed


def feedback_summary_for(*, user: User, now: datetime | None = None) -> list[ProgramFeedback] | None:
    """Feedback and check-in totals, one table per program the coordinator runs (superusers: all together); None
    for anyone who coordinates nothing."""
    if not access.is_coordinator(user):
        return None
    if user.is_superuser:
        return [
            ProgramFeedback(
                name="All programs",
                rows=feedback_summary(program=None, now=now),
                checkins=checkins_summary(program=None, now=now),
                combined=True,
            )
        ]
    # Two queries however many programs (each program's tables were two queries of their own).
    programs = list(access.programs_for(user).order_by("name"))
    feedback = feedback_totals_by_program(programs, now=now)
    checkins = checkin_totals_by_program(programs, now=now)
    return [
        ProgramFeedback(name=program.name, rows=_summary_rows(feedback[program.pk]), checkins=checkins[program.pk])
        for program in programs
    ]
