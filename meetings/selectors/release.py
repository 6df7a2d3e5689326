"""When answers join the totals coordinators read: a closed week at a time, and only at least `at_least` new ones.

Live totals give single answers away: read them before and after one more answer and the difference is that answer
(5 answers averaging 4.6, then 6 averaging 4.0: the new one is a 1), and the meeting that just ended says whose it
was. So the totals stop at the end of a closed week (Monday 00:00 UTC; programs have no time zone of their own), and
a week with fewer than `at_least` new answers waits for the weeks after it until together they have enough. Two
totals read at any two moments differ by at least `at_least` answers, or not at all.

Pure: no Django, tested with plain values (tests/meetings/test_release.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

WEEK = timedelta(days=7)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the week `moment` (aware) falls in: the answers before it are in closed weeks."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC) - timedelta(days=moment.weekday())


@dataclass(frozen=True)
class Tally:
    """Sums over a set of answers: how many, the sum of their scores (a rating, or a check-in's "going well"), how
    many found it useful and how many said it is not a good fit."""

    answers: int = 0
    score: int = 0
    useful: int = 0
    not_a_good_fit: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.answers + other.answers,
            self.score + other.score,
            self.useful + other.useful,
            self.not_a_good_fit + other.not_a_good_fit,
        )


@dataclass(frozen=True)
class Released:
    """The answers the totals include: all those up to `up_to` (a Sunday, UTC, inclusive), or none yet."""

    tally: Tally
    up_to: date | None


NOTHING = Released(Tally(), None)


def released(weeks: Iterable[tuple[datetime, Tally]], *, at_least: int) -> Released:
    """What the totals include, given each closed week that had answers (its Monday 00:00 UTC and its tally, oldest
    first, one series: a role's feedback in one program, or its check-ins): the weeks up to the last one that
    brought the answers waiting since the previous release to `at_least`."""
    result, waiting = NOTHING, Tally()
    for monday, tally in weeks:
        waiting += tally
        if waiting.answers >= at_least:
            result = Released(result.tally + waiting, (monday + WEEK - timedelta(days=1)).date())
            waiting = Tally()
    return result


def combined(parts: Iterable[Released]) -> Released:
    """Several series as one (every program's, for a superuser): the sum of what each already releases, never a
    release of its own. A release over all programs together would let a small program's one waiting answer in
    once a busy one brings the week to `at_least`, and subtracting the busy program's totals would give it away.
    `up_to` is the latest of theirs (each program's totals stop at their own date)."""
    tally, dates = Tally(), []
    for part in parts:
        tally += part.tally
        if part.up_to is not None:
            dates.append(part.up_to)
    return Released(tally, max(dates, default=None))
