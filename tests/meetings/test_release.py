"""When answers join coordinators' totals (meetings.selectors.release): plain values, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from meetings.selectors.release import NOTHING, Released, Tally, combined, released, week_start

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


def _week(n: int) -> datetime:
    return MONDAY + timedelta(weeks=n)


def test_a_week_starts_on_monday_at_midnight_utc_whatever_the_zone_of_the_moment() -> None:
    assert week_start(datetime(2026, 3, 8, 23, 59, tzinfo=UTC)) == MONDAY
    assert week_start(datetime(2026, 3, 9, 0, 0, tzinfo=UTC)) == _week(1)
    # Monday 00:30 in Paris is still Sunday in UTC: the week has not ended yet.
    assert week_start(datetime(2026, 3, 9, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))) == MONDAY


def test_nothing_is_released_before_five_answers_have_come_in() -> None:
    assert released([(_week(0), Tally(2, 8)), (_week(1), Tally(2, 9))], at_least=5) == NOTHING


def test_a_short_week_waits_for_the_next_until_together_they_have_five() -> None:
    weeks = [(_week(0), Tally(5, 23, 5)), (_week(1), Tally(1, 1)), (_week(3), Tally(3, 12, 3)), (_week(4), Tally(1, 5))]
    assert released(weeks, at_least=5) == Released(Tally(10, 41, 8), date(2026, 4, 5))  # the Sunday of week 4
    # Before week 4 closed, the one answer of week 1 and the three of week 3 were still waiting.
    assert released(weeks[:3], at_least=5) == Released(Tally(5, 23, 5), date(2026, 3, 8))


def test_two_releases_always_differ_by_at_least_five_answers_or_not_at_all() -> None:
    # Tried with every prefix of a history of uneven weeks: each reading is compared with the one before it.
    counts = [1, 0, 4, 6, 2, 1, 1, 1, 9, 0, 3, 3, 1]
    weeks = [(_week(n), Tally(c, 3 * c)) for n, c in enumerate(counts) if c]
    readings = [released(weeks[:k], at_least=5).tally.answers for k in range(len(weeks) + 1)]
    steps = [after - before for before, after in pairwise(readings)]
    assert all(step == 0 or step >= 5 for step in steps)
    assert (readings[-1], sum(counts) - readings[-1]) == (31, 1)  # the last week's one answer waits


def test_all_programs_together_are_the_sum_of_what_each_releases_never_a_release_of_their_own() -> None:
    busy = Released(Tally(10, 40, 10), date(2026, 3, 15))
    small = NOTHING  # one answer waiting: a release over both together would let it in
    assert combined([busy, small]) == Released(Tally(10, 40, 10), date(2026, 3, 15))
    assert combined([]) == NOTHING
