"""Coordinators' feedback and check-in totals never let one answer be told apart by comparing two readings.

Tried (a reviewer's attack): the totals were live. Five trainees' answers averaged 4.6, all "useful"; the coordinator
looked; one more answer came in; the coordinator looked again: 6 answers, 4.0, 83 % useful, so the new answer was a
1, not useful, and the meeting that had just ended said whose it was. The "fewer than 5 → –" rule protected only the
first four answers. Totals now stop at the end of a closed week (Monday 00:00 UTC) and take in new answers only 5 or
more at a time, per side and per program (meetings.selectors.release), on the feedback summary, the program's
health page and its feedback CSV alike. The at-risk alert of a "not a good fit" or a low check-in stays immediate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db.models import Avg, Count, Q
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from matching.models import Match, Program
from meetings import selectors, services
from meetings.models import Feedback
from profiles.models import User
from tests.factories import CoordinatorFactory, MeetingFactory, ProgramFactory, UserFactory, approved_match

pytestmark = pytest.mark.django_db

WEEK_1 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday morning

Reading = tuple[int, str, str] | None  # (answers, average rating, % useful) of the trainees' row, or no row


def _in_week(n: int, *, hours: int = 0) -> datetime:
    return WEEK_1 + timedelta(weeks=n - 1, hours=hours)


def _feedback(
    program: Program, *, rating: int, useful: bool, at: datetime, role: str = "trainee", good_fit: bool = True
) -> Match:
    """One more answer, given through the service `at` that moment, on the first meeting of a new match of the
    program (it ended an hour before)."""
    with freeze_time(at):
        match = approved_match(program=program)
        meeting = MeetingFactory(match=match, start=at - timedelta(hours=2), duration_minutes=60)
        person = match.trainee.user if role == "trainee" else match.mentor.user
        services.feedback_submit(meeting=meeting, by=person, rating=rating, useful=useful, good_fit=good_fit)
    return match


def _checkin(program: Program, *, going_well: int, at: datetime) -> Match:
    """One more check-in answer, by the trainee of a new match approved 31 days before `at`."""
    with freeze_time(at):
        match = approved_match(program=program, decided_at=at - timedelta(days=31))
        services.checkin_submit(match=match, by=match.trainee.user, period=0, going_well=going_well)
    return match


def _pages(login: Callable[[User], Client], reader: User, program: Program, at: datetime) -> tuple[str, str, str]:
    """The feedback summary, the program's health page and its feedback CSV as `reader` gets them `at` a moment."""
    with freeze_time(at):
        client = login(reader)
        summary = client.get(reverse("meetings-feedback-summary")).content.decode()
        health = client.get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
        export = client.get(reverse("admin:matching_program_export", args=[program.pk, "feedback"]))
        text = b"".join(export.streaming_content).decode("utf-8-sig")
    return summary, health, text


def _trainees(login: Callable[[User], Client], coordinator: User, program: Program, at: datetime) -> Reading:
    """What the coordinator reads of the trainees' feedback `at` a moment; the three places must agree."""
    summary, health, text = _pages(login, coordinator, program, at)
    cell = "<td>([^<]*)</td>"
    on_summary = re.search(f"<td>Trainees</td>{cell}{cell}{cell}", summary)
    on_health = re.search(f'<th scope="row">Trainees</th>{cell}{cell}{cell}', health)
    in_csv = [row for row in csv.DictReader(io.StringIO(text)) if row["role"] == "trainee"]
    readings: list[Reading] = [
        (int(on_summary[1]), on_summary[2], on_summary[3].rstrip(" %")) if on_summary else None,
        (int(on_health[2]), on_health[1], on_health[3].rstrip("%")) if on_health else None,
        (int(in_csv[0]["answers"]), in_csv[0]["average_rating"], in_csv[0]["useful_percent"]) if in_csv else None,
    ]
    assert readings[0] == readings[1] == readings[2], readings
    return readings[0]


def _summary(login: Callable[[User], Client], reader: User, at: datetime) -> str:
    with freeze_time(at):
        return login(reader).get(reverse("meetings-feedback-summary")).content.decode()


def _checkins(login: Callable[[User], Client], coordinator: User, at: datetime) -> str:
    found = re.search(r"Check-ins answered: [^<]*", _summary(login, coordinator, at))
    assert found is not None
    return found[0]


@pytest.fixture
def program(coordinator: User) -> Program:
    return ProgramFactory(coordinators=[coordinator], name="Cardiology residents")


def test_one_more_answer_cannot_be_read_off_the_totals_by_looking_before_and_after(
    login: Any, coordinator: User, program: Program
) -> None:
    for rating in (5, 5, 5, 4, 4):
        _feedback(program, rating=rating, useful=True, at=_in_week(1))
    before = _trainees(login, coordinator, program, at=_in_week(2))
    assert before == (5, "4.6", "100")

    _feedback(program, rating=1, useful=False, at=_in_week(2, hours=1))
    # Right after it, later that week, once its week has ended and weeks later: the same totals.
    for at in (_in_week(2, hours=2), _in_week(3), _in_week(5)):
        assert _trainees(login, coordinator, program, at=at) == before
    for rating in (3, 3, 3):
        _feedback(program, rating=rating, useful=True, at=_in_week(5, hours=1))
    assert _trainees(login, coordinator, program, at=_in_week(6)) == before  # four waiting

    _feedback(program, rating=4, useful=True, at=_in_week(6, hours=1))
    assert _trainees(login, coordinator, program, at=_in_week(6, hours=2)) == before  # its week has not ended
    # The fifth new answer's week has ended: the five join at once. The step tells their sum (14), not the 1.
    assert _trainees(login, coordinator, program, at=_in_week(7)) == (10, "3.7", "90")


def test_the_pages_say_up_to_when_the_totals_run_and_why_todays_answers_are_not_in_yet(
    login: Any, coordinator: User, program: Program
) -> None:
    for _ in range(5):
        _feedback(program, rating=4, useful=True, at=_in_week(1))
    summary, health, text = _pages(login, coordinator, program, at=_in_week(3))
    for page in (summary, health):
        assert "<td>7 Mar 2027</td>" in page  # the Sunday that ends week 1
        assert "new answers are added once there are at least 5 more" in page
    assert next(csv.DictReader(io.StringIO(text)))["totals_up_to"] == "2027-03-07"


def test_the_pages_say_a_week_ends_on_monday_at_0000_utc_and_the_dates_are_utc_days(
    login: Any, coordinator: User, program: Program
) -> None:
    # "Sunday, midnight UTC" read as the night before Sunday as often as the night after it (the code means Monday
    # 00:00 UTC); and a coordinator in Sydney read "7 Mar 2027" as their own 7 March, over 11 hours before the UTC one.
    def read(at: datetime) -> tuple[str, str]:
        summary, health, _ = _pages(login, coordinator, program, at=at)
        return " ".join(summary.split()), " ".join(health.split())

    _feedback(program, rating=4, useful=True, at=_in_week(1))
    summary, health = read(_in_week(2))
    assert "Totals stop at the end of a week (Monday 00:00 UTC)" in summary
    assert "after their week ends (Monday 00:00 UTC).</p>" in health  # none in the totals yet
    for _ in range(4):
        _feedback(program, rating=4, useful=True, at=_in_week(1))
    for _ in range(5):
        _checkin(program, going_well=4, at=_in_week(1))
    summary, health = read(_in_week(2))
    assert '<th scope="col">Totals up to (UTC day)</th>' in summary
    for page in (summary, health):
        assert "Sunday, midnight" not in page
        assert "Totals up to the end of the UTC day on each row" in page
    assert "after their week ends (Monday 00:00 UTC), so that comparing two readings never gives" in health
    assert "totals up to the end of 7 Mar 2027 (UTC)" in _checkins(login, coordinator, at=_in_week(2))


def test_the_totals_are_exactly_those_of_the_answers_they_include(
    login: Any, coordinator: User, program: Program
) -> None:
    for rating, useful in ((5, True), (2, False), (4, True)):
        _feedback(program, rating=rating, useful=useful, at=_in_week(1))
    for rating in (3, 1, 5, 2, 4):
        _feedback(program, rating=rating, useful=rating > 2, role="mentor", at=_in_week(1, hours=3))
    for rating, useful in ((3, True), (1, False), (5, True)):
        _feedback(program, rating=rating, useful=useful, at=_in_week(2))
    # Week 3: two trainees (one says "not a good fit") and four mentors: neither side has 5 new answers.
    trainees_match = _feedback(program, rating=2, useful=False, good_fit=False, at=_in_week(3))
    _feedback(program, rating=5, useful=True, at=_in_week(3))
    for _ in range(3):
        _feedback(program, rating=1, useful=False, role="mentor", at=_in_week(3))
    mentors_match = _feedback(program, rating=3, useful=True, role="mentor", good_fit=False, at=_in_week(3))

    rows = {r.role: r for r in selectors.feedback_summary(program=program, now=_in_week(4))}

    for role, cutoff in (("trainee", _in_week(3, hours=-9)), ("mentor", _in_week(2, hours=-9))):
        included = Feedback.objects.filter(role=role, meeting__match__program=program, created_at__lt=cutoff)
        truth = included.aggregate(
            n=Count("pk"),
            avg=Avg("rating"),
            useful=Count("pk", filter=Q(useful=True)),
            unfit=Count("pk", filter=Q(good_fit=False)),
        )
        row = rows[role]
        assert (row.answers, row.average_rating) == (truth["n"], round(truth["avg"], 2))
        assert row.useful_pct == round(100 * truth["useful"] / truth["n"])
        assert row.not_a_good_fit == truth["unfit"] == 0
        assert row.up_to == (cutoff - timedelta(days=1)).date()
    assert (rows["trainee"].answers, rows["mentor"].answers) == (6, 5)
    # The "not a good fit" answers of week 3 are not in the totals, but their alerts are already out.
    for flagged in (trainees_match, mentors_match):
        flagged.refresh_from_db()
        assert flagged.at_risk_since is not None


def test_averages_of_fewer_than_five_answers_stay_hidden_however_long_one_waits(
    login: Any, coordinator: User, program: Program
) -> None:
    for week, rating in ((1, 2), (2, 5), (4, 3), (9, 4)):
        _feedback(program, rating=rating, useful=True, at=_in_week(week))
    summary, health, text = _pages(login, coordinator, program, at=_in_week(30))
    assert "No feedback in the totals yet" in summary
    assert "No feedback in the totals yet" in health
    assert list(csv.DictReader(io.StringIO(text))) == []


def test_four_mentors_and_one_trainee_do_not_release_that_one_trainee_answer(
    login: Any, coordinator: User, program: Program
) -> None:
    # Each side is released on its own: a release of the program's 5 new answers together would have moved the
    # trainees' figures by exactly one answer.
    for role in ("trainee", "mentor"):
        for _ in range(5):
            _feedback(program, rating=4, useful=True, role=role, at=_in_week(1))
    before = _trainees(login, coordinator, program, at=_in_week(2))
    for _ in range(4):
        _feedback(program, rating=4, useful=True, role="mentor", at=_in_week(2))
    _feedback(program, rating=1, useful=False, at=_in_week(2))
    assert _trainees(login, coordinator, program, at=_in_week(3)) == before == (5, "4.0", "100")


def test_a_superusers_all_programs_totals_cannot_be_subtracted_down_to_a_small_programs_one_answer(
    login: Any, program: Program
) -> None:
    # Tried: with one release over all programs, week 2's five answers of a busy program let the small program's
    # one answer of that week in, and "all programs" minus the busy program's own totals gave it away.
    busy = ProgramFactory(name="Surgery fellows")
    for _ in range(5):
        _feedback(program, rating=4, useful=True, at=_in_week(1))
        _feedback(busy, rating=4, useful=True, at=_in_week(2))
    _feedback(program, rating=1, useful=False, at=_in_week(2))
    root = UserFactory(is_staff=True, is_superuser=True)
    summary = _summary(login, root, at=_in_week(3))
    assert "<h2>All programs</h2>" in summary
    assert "<td>Trainees</td><td>10</td><td>4.0</td><td>100 %</td>" in summary


def test_a_low_check_in_still_alerts_at_once_but_leaves_the_check_in_totals_as_they_were(
    login: Any, coordinator: User, program: Program
) -> None:
    for _ in range(5):
        _checkin(program, going_well=5, at=_in_week(1))
    before = _checkins(login, coordinator, at=_in_week(2))
    assert before.startswith("Check-ins answered: 5 · average 5.0/5 · totals up to the end of 7 Mar 2027 (UTC)")

    low = _checkin(program, going_well=1, at=_in_week(2, hours=1))
    low.refresh_from_db()
    assert low.at_risk_since is not None  # the alert, with the answer, is immediate as promised
    _, health, _ = _pages(login, coordinator, program, at=_in_week(2, hours=2))
    assert "A check-in answer said it is not going well (1/5)." in health
    for at in (_in_week(2, hours=2), _in_week(3), _in_week(8)):
        assert _checkins(login, coordinator, at=at) == before
    for _ in range(4):
        _checkin(program, going_well=5, at=_in_week(8))
    assert _checkins(login, coordinator, at=_in_week(9)).startswith("Check-ins answered: 10 · average 4.6/5")


@pytest.mark.parametrize("persona", ["mentor", "trainee", "outsider"])
def test_the_people_in_a_program_and_outsiders_read_no_totals(
    persona: str, request: pytest.FixtureRequest, login: Any, program: Program, mentor: Any, trainee: Any
) -> None:
    approved_match(mentor=mentor, trainee=trainee, program=program)
    for _ in range(5):
        _feedback(program, rating=4, useful=True, at=_in_week(1))
    person = request.getfixturevalue(persona).user
    with freeze_time(_in_week(2)):
        client = login(person)
        for url in (
            reverse("meetings-feedback-summary"),
            reverse("admin:matching_program_health", args=[program.pk]),
            reverse("admin:matching_program_export", args=[program.pk, "feedback"]),
        ):
            response = client.get(url)
            assert response.status_code == 302  # to the admin's sign-in: not staff
            assert "/admin/login/" in response["Location"]


def test_the_programs_coordinator_reads_its_totals_and_another_programs_coordinator_does_not(
    login: Any, coordinator: User, program: Program
) -> None:
    for _ in range(5):
        _feedback(program, rating=4, useful=True, at=_in_week(1))
    assert _trainees(login, coordinator, program, at=_in_week(2)) == (5, "4.0", "100")

    other = CoordinatorFactory()
    ProgramFactory(coordinators=[other], name="Surgery fellows")
    with freeze_time(_in_week(2)):
        client = login(other)
        summary = client.get(reverse("meetings-feedback-summary")).content.decode()
        health = client.get(reverse("admin:matching_program_health", args=[program.pk]))
        export = client.get(reverse("admin:matching_program_export", args=[program.pk, "feedback"]))
    assert "<h2>Surgery fellows</h2>" in summary
    assert "Cardiology residents" not in summary
    assert "<td>Trainees</td>" not in summary
    assert (health.status_code, export.status_code) == (404, 404)
