"""Feedback and check-in totals as coordinators read them, on the health page, in its feedback CSV and on the
feedback summary: only the answers `release.released` lets in, so that no single answer can be told apart by
comparing the totals of two moments (the at-risk alert on a "not a good fit" or a low check-in is separate)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from matching.models import Program
from meetings.models import CheckIn, Feedback
from meetings.selectors.release import Released, Tally, combined, released, week_start

#: Below this many answers an average would give away single people's ratings: "–" instead. It is also how many new
#: answers the totals wait for before taking them in (`release`), so that comparing two readings gives away none.
MIN_ANSWERS_FOR_AVERAGES = 5


def _released_by_program(
    answers: QuerySet[Any], *, program: str, score: str, split_by: tuple[str, ...] = (), feedback: bool, now: datetime
) -> dict[tuple[Any, ...], Released]:
    """What the totals include of each series, keyed (program id, *split_by): one query over the closed weeks."""
    sums: dict[str, Any] = {"n": Count("pk"), "score": Sum(score)}
    if feedback:
        sums |= {"useful": Count("pk", filter=Q(useful=True)), "not_fit": Count("pk", filter=Q(good_fit=False))}
    rows = (
        answers.filter(created_at__lt=week_start(now))
        .annotate(week=TruncWeek("created_at", tzinfo=UTC))
        .values(program, *split_by, "week")
        .annotate(**sums)
        .order_by(program, *split_by, "week")
    )
    weeks: dict[tuple[Any, ...], list[tuple[datetime, Tally]]] = defaultdict(list)
    for row in rows:
        tally = Tally(row["n"], row["score"], row.get("useful", 0), row.get("not_fit", 0))
        weeks[(row[program], *(row[field] for field in split_by))].append((row["week"], tally))
    return {series: released(found, at_least=MIN_ANSWERS_FOR_AVERAGES) for series, found in weeks.items()}


def _enough(tally: Tally) -> bool:
    return tally.answers >= MIN_ANSWERS_FOR_AVERAGES


def feedback_totals(program: Program | None, *, now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Per role with answers in the totals: answers, average rating and % useful (None under
    MIN_ANSWERS_FOR_AVERAGES), how many said "not a good fit" (each of those already flags its match at risk for the
    coordinator), and `up_to`, the last day they include. Each role of each program is released on its own: five
    new answers that are four mentors' and one trainee's would change the trainees' figures by that one answer.
    `None` totals every program's (a superuser's feedback summary) as the sum of what each program releases."""
    answers = Feedback.objects.all() if program is None else Feedback.objects.filter(meeting__match__program=program)
    by_role: dict[str, list[Released]] = defaultdict(list)
    for (_, role), part in _feedback_series(answers, now).items():
        by_role[role].append(part)
    return _feedback_rows(by_role)


def feedback_totals_by_program(
    programs: Sequence[Program], *, now: datetime | None = None
) -> dict[int, dict[str, dict[str, Any]]]:
    """`feedback_totals` of each program, in one query however many programs (a coordinator's feedback summary)."""
    by_program: dict[int, dict[str, list[Released]]] = defaultdict(lambda: defaultdict(list))
    answers = Feedback.objects.filter(meeting__match__program__in=programs)
    for (program_id, role), part in _feedback_series(answers, now).items():
        by_program[program_id][role].append(part)
    return {program.pk: _feedback_rows(by_program.get(program.pk, {})) for program in programs}


def _feedback_series(answers: QuerySet[Any], now: datetime | None) -> dict[tuple[Any, ...], Released]:
    return _released_by_program(
        answers,
        program="meeting__match__program",
        score="rating",
        split_by=("role",),
        feedback=True,
        now=now or timezone.now(),
    )


def _feedback_rows(by_role: Mapping[str, list[Released]]) -> dict[str, dict[str, Any]]:
    totals = {}
    for role in sorted(by_role):
        part = combined(by_role[role])
        tally = part.tally
        if not tally.answers:
            continue
        totals[role] = {
            "rating": round(tally.score / tally.answers, 2) if _enough(tally) else None,
            "count": tally.answers,
            "useful_pct": round(100 * tally.useful / tally.answers) if _enough(tally) else None,
            "not_a_good_fit": tally.not_a_good_fit,
            "up_to": part.up_to,
        }
    return totals


def checkin_totals(program: Program | None, *, now: datetime | None = None) -> dict[str, Any]:
    """How many check-in answers the totals include, their average "going well" (1–5; None under
    MIN_ANSWERS_FOR_AVERAGES, as for feedback) and `up_to`, the last day they include (None: none yet)."""
    answers = CheckIn.objects.all() if program is None else CheckIn.objects.filter(match__program=program)
    return _checkin_row(_checkin_series(answers, now).values())


def checkin_totals_by_program(programs: Sequence[Program], *, now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """`checkin_totals` of each program, in one query however many programs."""
    by_program: dict[int, list[Released]] = defaultdict(list)
    for (program_id,), part in _checkin_series(CheckIn.objects.filter(match__program__in=programs), now).items():
        by_program[program_id].append(part)
    return {program.pk: _checkin_row(by_program.get(program.pk, [])) for program in programs}


def _checkin_series(answers: QuerySet[Any], now: datetime | None) -> dict[tuple[Any, ...], Released]:
    return _released_by_program(
        answers, program="match__program", score="going_well", feedback=False, now=now or timezone.now()
    )


def _checkin_row(parts: Iterable[Released]) -> dict[str, Any]:
    part = combined(parts)
    tally = part.tally
    return {
        "answers": tally.answers,
        "average": round(tally.score / tally.answers, 2) if _enough(tally) else None,
        "up_to": part.up_to,
    }
