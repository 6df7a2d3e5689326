"""Session logs (mentor only), two-way feedback with delayed reveal, good-fit flags and check-ins."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from matching.models import Match
from meetings import selectors, services
from meetings.errors import AlreadyAnswered, MatchNotApproved, MeetingStateConflict, MentorOnly, NotInMatch
from meetings.models import CheckIn, Feedback, Meeting, SessionLog
from mentorship.errors import ApplicationError
from notifications.models import Notification
from tests.factories import GoalFactory, MeetingFactory, approved_match, focus_area, mentors_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_meeting(match: Any) -> Meeting:
    return MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))


def log(match: Any, by: Any, **kw: Any) -> SessionLog:
    return services.session_log_create(
        match=match,
        by=by,
        date=kw.pop("date", mentors_today(match)),
        duration_minutes=kw.pop("duration_minutes", 45),
        notes_shared=kw.pop("notes_shared", "Talked about research electives."),
        **kw,
    )


def test_the_mentor_logs_a_session_with_topics_goals_and_private_notes(
    match: Any, mentor: Any, past_meeting: Any
) -> None:
    goal = GoalFactory(trainee=match.trainee)
    Notification.objects.create(
        recipient=mentor.user,
        kind="session_log_prompt",
        object_type="meeting",
        object_id=past_meeting.pk,
        dedup_key="p",
    )
    session = log(
        match,
        mentor.user,
        meeting=past_meeting,
        topics=[focus_area(0)],
        goal_updates=[services.GoalUpdate(goal=goal, progress=60, note="Abstract drafted")],
        notes_shared="Discussed electives",
        notes_private="Burnout risk?",
    )
    assert list(session.topics.all()) == [focus_area(0)]
    assert [(u.goal, u.progress) for u in session.goal_updates.all()] == [(goal, 60)]
    # The trainee's goal itself now shows the progress reported in the session.
    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (60, "in_progress")
    # Logging the session answers the prompt: it is no longer pending.
    assert Notification.objects.get(dedup_key="p").state == Notification.State.CANCELLED


def test_the_selector_gives_the_private_notes_to_their_author_and_never_to_the_trainee(
    match: Any, mentor: Any, trainee: Any, django_assert_num_queries: Any
) -> None:
    # Before, the selector handed the private notes to both people and relied on each template and view to hide them.
    session = log(match, mentor.user, notes_private="Burnout risk?")
    mine = selectors.session_logs_for(user=mentor.user).get(pk=session.pk)
    assert mine.notes_private == "Burnout risk?"
    [theirs] = selectors.session_logs_for(user=trainee.user).filter(match=match)
    with django_assert_num_queries(0):  # not fetched on first read either
        assert theirs.notes_private == ""
    assert theirs.notes_shared == "Talked about research electives."
    assert selectors.session_logs_for(user=trainee.user).get(pk=session.pk).notes_private == ""


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("the trainee logs", MentorOnly),
        ("an outsider logs", MentorOnly),
        ("a future date", ApplicationError),
        ("someone else's goal", ApplicationError),
        ("a meeting of another match", MeetingStateConflict),
        ("nothing but a date and a duration", ApplicationError),
    ],
)
def test_a_bad_session_log_is_refused_and_nothing_saved(
    case: str, error: type[Exception], match: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    kwargs: dict[str, Any] = {"match": match, "by": mentor.user}
    if case == "the trainee logs":
        kwargs["by"] = trainee.user
    elif case == "an outsider logs":
        kwargs["by"] = outsider.user
    elif case == "a future date":
        kwargs["date"] = mentors_today(match) + timedelta(days=2)
    elif case == "someone else's goal":
        theirs = GoalFactory(trainee=outsider, progress=0)
        kwargs["goal_updates"] = [services.GoalUpdate(goal=theirs, progress=10)]
    elif case == "a meeting of another match":
        kwargs["meeting"] = MeetingFactory(start=timezone.now() - timedelta(days=1))
    elif case == "nothing but a date and a duration":
        kwargs.update(notes_shared=" ", notes_private="", next_steps="\n")
    with pytest.raises(error):
        log(**kwargs)
    assert SessionLog.objects.count() == 0
    if case == "someone else's goal":
        theirs.refresh_from_db()
        assert theirs.progress == 0


def test_a_mentor_in_tokyo_logs_this_mornings_session_while_utc_is_still_on_the_day_before(
    match: Any, mentor: Any, monkeypatch: Any
) -> None:
    # Tried without the fix (the check used the server's date, UTC): "cannot be logged before it happens".
    mentor.time_zone = "Asia/Tokyo"
    mentor.save()
    tokyo_morning = datetime(2026, 6, 10, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 23:00 on 9 June in UTC
    monkeypatch.setattr(timezone, "now", lambda: tokyo_morning.astimezone(UTC))
    assert log(match, mentor.user, date=date(2026, 6, 10)).date == date(2026, 6, 10)
    with pytest.raises(ApplicationError, match="before it happens"):
        log(match, mentor.user, date=date(2026, 6, 11))  # tomorrow in Tokyo stays refused


def test_a_mentor_in_new_york_cannot_log_tomorrow_although_it_is_already_tomorrow_in_utc(
    match: Any, mentor: Any, monkeypatch: Any
) -> None:
    # Tried without the fix: 3 March was accepted at 21:00 on 2 March in New York (02:00 on 3 March in UTC).
    evening = datetime(2026, 3, 2, 21, 0, tzinfo=ZoneInfo("America/New_York"))
    monkeypatch.setattr(timezone, "now", lambda: evening.astimezone(UTC))
    with pytest.raises(ApplicationError, match="before it happens"):
        log(match, mentor.user, date=date(2026, 3, 3))
    session = log(match, mentor.user, date=date(2026, 3, 2))
    with pytest.raises(ApplicationError, match="before it happens"):  # editing follows the same rule
        services.session_log_update(
            session_log=session, by=mentor.user, date=date(2026, 3, 3), duration_minutes=45, notes_shared="Electives"
        )


def test_a_session_that_reaches_100_percent_marks_the_goal_achieved(match: Any, mentor: Any) -> None:
    goal = GoalFactory(trainee=match.trainee, status="not_started", progress=0)
    log(match, mentor.user, goal_updates=[services.GoalUpdate(goal=goal, progress=100)])
    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (100, "achieved")


def test_only_the_mentor_can_edit_a_log(match: Any, mentor: Any, trainee: Any) -> None:
    session = log(match, mentor.user, notes_shared="v1")
    with pytest.raises(MentorOnly):
        services.session_log_update(
            session_log=session, by=trainee.user, date=session.date, duration_minutes=30, notes_shared="hacked"
        )
    services.session_log_update(
        session_log=session, by=mentor.user, date=session.date, duration_minutes=30, notes_shared="v2"
    )
    session.refresh_from_db()
    assert (session.notes_shared, session.duration_minutes) == ("v2", 30)


def feedback(meeting: Any, by: Any, **kw: Any) -> Feedback:
    kw.setdefault("good_fit", True)
    return services.feedback_submit(
        meeting=meeting, by=by, rating=kw.pop("rating", 4), useful=kw.pop("useful", True), **kw
    )


def test_each_sides_feedback_stays_hidden_until_both_answered(past_meeting: Any, mentor: Any, trainee: Any) -> None:
    mine = feedback(past_meeting, mentor.user, went_well="Good questions")
    assert selectors.feedback_visible(meeting=past_meeting, user=mentor.user) == [mine]
    assert selectors.feedback_visible(meeting=past_meeting, user=trainee.user) == []
    theirs = feedback(past_meeting, trainee.user)
    assert set(selectors.feedback_visible(meeting=past_meeting, user=trainee.user)) == {mine, theirs}
    assert mine.role == "mentor"
    assert theirs.role == "trainee"


def test_a_lone_answer_is_revealed_a_week_after_the_meeting(past_meeting: Any, mentor: Any, trainee: Any) -> None:
    mine = feedback(past_meeting, mentor.user)
    later = past_meeting.end + timedelta(days=7, minutes=1)
    assert selectors.feedback_visible(meeting=past_meeting, user=trainee.user, now=later) == [mine]


def test_nobody_reads_another_pairs_feedback(past_meeting: Any, mentor: Any, trainee: Any, outsider: Any) -> None:
    feedback(past_meeting, mentor.user)
    feedback(past_meeting, trainee.user)
    assert selectors.feedback_visible(meeting=past_meeting, user=outsider.user) == []
    with pytest.raises(NotInMatch):
        feedback(past_meeting, outsider.user)
    assert list(selectors.feedback_mine(user=outsider.user)) == []


def test_feedback_is_given_once_and_only_after_an_accepted_meeting_ended(
    match: Any, past_meeting: Any, mentor: Any
) -> None:
    feedback(past_meeting, mentor.user)
    with pytest.raises(AlreadyAnswered):
        feedback(past_meeting, mentor.user)
    upcoming = MeetingFactory(match=match, start=timezone.now() + timedelta(days=2))
    with pytest.raises(MeetingStateConflict):
        feedback(upcoming, mentor.user)
    assert Feedback.objects.count() == 1


def test_not_a_good_fit_after_the_first_meeting_flags_the_match(match: Any, past_meeting: Any, trainee: Any) -> None:
    feedback(past_meeting, trainee.user, good_fit=False, rating=2)
    match.refresh_from_db()
    assert match.at_risk_since is not None
    assert "not a good fit" in match.at_risk_reason


def test_the_good_fit_question_is_required_after_the_first_meeting_only(
    match: Any, past_meeting: Any, mentor: Any
) -> None:
    with pytest.raises(ApplicationError, match="good fit"):
        services.feedback_submit(meeting=past_meeting, by=mentor.user, rating=4, useful=True)
    second = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=1, minutes=30), duration_minutes=30)
    answer = services.feedback_submit(meeting=second, by=mentor.user, rating=4, useful=True, good_fit=False)
    assert answer.good_fit is None
    match.refresh_from_db()
    assert match.at_risk_since is None


def test_coordinator_summary_shows_totals_not_answers(past_meeting: Any, mentor: Any, trainee: Any) -> None:
    from tests.factories import FeedbackFactory, MeetingFactory

    feedback(past_meeting, mentor.user, rating=5)
    feedback(past_meeting, trainee.user, rating=3, useful=False, good_fit=False)
    # Read once their week has ended: totals are no longer live (answers join a closed week at a time, at least 5
    # new ones per side, meetings.selectors.release), so a lone answer is not even counted, let alone averaged.
    week_later = timezone.now() + timedelta(days=8)
    assert selectors.feedback_summary(now=week_later) == []
    for rating in (1, 2, 4, 4):
        FeedbackFactory(meeting=MeetingFactory(match=past_meeting.match), author=mentor.user, rating=rating)
    rows = {r.role: r for r in selectors.feedback_summary(now=week_later)}
    assert (rows["mentor"].answers, rows["mentor"].average_rating) == (5, 3.2)  # five answers
    assert "trainee" not in rows  # its one answer waits for four more


def test_a_check_in_is_answered_once_per_period_and_only_when_open(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    services.checkin_submit(match=match, by=trainee.user, period=0, going_well=4)
    with pytest.raises(AlreadyAnswered):
        services.checkin_submit(match=match, by=trainee.user, period=0, going_well=4)
    with pytest.raises(MeetingStateConflict):
        services.checkin_submit(match=match, by=trainee.user, period=1, going_well=4)
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize("status", [Match.Status.DECLINED, Match.Status.ENDED])
def test_a_check_in_on_a_declined_or_ended_match_is_refused_and_flags_nothing(
    status: str, mentor: Any, trainee: Any
) -> None:
    # Tried without the fix: the answer was saved and a 1/5 flagged the dead match at risk for the coordinator.
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=40))
    Match.objects.filter(pk=match.pk).update(status=status)
    with pytest.raises(MatchNotApproved, match="approved match only"):
        services.checkin_submit(match=match, by=trainee.user, period=0, going_well=1)
    match.refresh_from_db()
    assert match.at_risk_since is None
    assert CheckIn.objects.count() == 0
