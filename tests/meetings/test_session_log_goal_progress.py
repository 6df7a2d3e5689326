"""The session-log form and the trainee's goals: a session logged late keeps its figure without undoing progress
recorded since (and says so), and the log of an ended match offers only the goals from while it was under way."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from meetings.models import SessionGoal, SessionLog
from profiles.models import Goal
from tests.factories import GoalFactory, mentors_today

pytestmark = pytest.mark.django_db


def _log(client: Any, match: Match, day: date, goal: Goal, progress: int) -> Any:
    return client.post(
        reverse("meetings-log-create", args=[match.pk]),
        {"date": str(day), "duration_minutes": 30, f"goal_{goal.pk}": progress},
        follow=True,
    )


def test_a_session_logged_late_leaves_a_goal_achieved_since_and_says_so(match: Any, login: Any, mentor: Any) -> None:
    goal = GoalFactory(trainee=match.trainee, title="Publish a case report", status="in_progress", progress=40)
    client, today = login(mentor.user), mentors_today(match)
    _log(client, match, today - timedelta(days=1), goal, 100)

    response = _log(client, match, today - timedelta(days=60), goal, 20)

    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.ACHIEVED, 100)
    assert SessionGoal.objects.get(session__date=today - timedelta(days=60)).progress == 20  # the log keeps it
    page = response.content.decode()
    assert "Session logged." in page
    assert "Progress on “Publish a case report” is recorded on this log but does not change the goal" in page


def test_a_session_logged_late_leaves_the_progress_the_trainee_recorded_since(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    goal = GoalFactory(trainee=trainee, title="Publish a case report", status="in_progress", progress=20)
    login(trainee.user).post(
        reverse("profiles-goal-edit", args=[goal.pk]),
        {"title": goal.title, "status": "in_progress", "progress": 70},
    )
    assert Goal.objects.get(pk=goal.pk).progress == 70

    response = _log(login(mentor.user), match, mentors_today(match) - timedelta(days=14), goal, 30)

    assert Goal.objects.get(pk=goal.pk).progress == 70
    assert "does not change the goal" in response.content.decode()


def test_a_session_logged_after_the_latest_progress_moves_the_goal_without_a_word(
    match: Any, login: Any, mentor: Any
) -> None:
    goal = GoalFactory(trainee=match.trainee, title="Publish a case report", status="in_progress", progress=40)
    client, today = login(mentor.user), mentors_today(match)
    _log(client, match, today - timedelta(days=60), goal, 50)

    response = _log(client, match, today - timedelta(days=1), goal, 100)

    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACHIEVED
    assert "does not change the goal" not in response.content.decode()


def test_correcting_an_earlier_log_says_the_goal_keeps_the_later_progress(match: Any, login: Any, mentor: Any) -> None:
    goal = GoalFactory(trainee=match.trainee, title="Publish a case report", status="in_progress", progress=40)
    client, today = login(mentor.user), mentors_today(match)
    _log(client, match, today - timedelta(days=30), goal, 50)
    _log(client, match, today - timedelta(days=1), goal, 80)
    earlier = SessionLog.objects.get(date=today - timedelta(days=30))

    response = client.post(
        reverse("meetings-log-edit", args=[earlier.pk]),
        {"date": str(earlier.date), "duration_minutes": 30, f"goal_{goal.pk}": 55},
        follow=True,
    )

    assert Goal.objects.get(pk=goal.pk).progress == 80
    assert SessionGoal.objects.get(session=earlier).progress == 55
    assert "does not change the goal" in response.content.decode()


def _ended(match: Match) -> date:
    match.status, match.ended_at = Match.Status.ENDED, timezone.now() - timedelta(days=10)
    match.save(update_fields=["status", "ended_at"])
    return timezone.localdate(match.ended_at, timezone=ZoneInfo(match.mentor.time_zone))


def test_the_form_of_an_ended_match_offers_only_the_goals_from_while_it_was_under_way(
    match: Any, login: Any, mentor: Any
) -> None:
    before = GoalFactory(trainee=match.trainee, title="Pass the boards")
    Goal.objects.filter(pk=before.pk).update(created_at=timezone.now() - timedelta(days=40))
    _ended(match)
    after = GoalFactory(trainee=match.trainee, title="A plan made since")

    page = login(mentor.user).get(reverse("meetings-log-create", args=[match.pk])).content.decode()

    assert f'name="goal_{before.pk}"' in page
    assert f'name="goal_{after.pk}"' not in page
    assert "A plan made since" not in page


def test_a_former_mentor_cannot_move_a_goal_set_after_the_end_through_the_form(
    match: Any, login: Any, mentor: Any
) -> None:
    ended_on = _ended(match)
    goal = GoalFactory(trainee=match.trainee, title="A plan made since", status="in_progress", progress=10)

    _log(login(mentor.user), match, ended_on, goal, 100)

    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.IN_PROGRESS, 10)
    assert not SessionGoal.objects.filter(goal=goal).exists()


def test_the_mentor_of_an_approved_match_is_offered_every_goal_of_the_trainee(
    match: Any, login: Any, mentor: Any
) -> None:
    goal = GoalFactory(trainee=match.trainee, title="A plan made today")

    page = login(mentor.user).get(reverse("meetings-log-create", args=[match.pk])).content.decode()

    assert f'name="goal_{goal.pk}"' in page


class _FormValues(HTMLParser):
    """What the page's POST form sends as a browser would: its inputs (ticked boxes only) and its text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "input" and "name" in named:
            if named.get("type") not in ("checkbox", "radio") or "checked" in named:
                self.values[named["name"]] = named.get("value", "")
        elif tag == "textarea" and "name" in named:
            self._textarea = named["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] += data.removeprefix("\n") if not self.values[self._textarea] else data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def _what_the_form_sends(page: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(page)
    return parser.values


def test_editing_a_log_keeps_progress_recorded_on_a_goal_dropped_since(match: Any, login: Any, mentor: Any) -> None:
    # Tried: logged 40 % on "Apply for grant", the trainee dropped the goal, the mentor opened the log to fix a typo
    # in the notes and saved. The edit form offered only goals not dropped, so the 40 % was not in it, and the save
    # replaced the log's goal figures with those sent: the progress recorded that day was gone without a word.
    goal = GoalFactory(trainee=match.trainee, title="Apply for grant", status="in_progress", progress=10)
    client, day = login(mentor.user), mentors_today(match) - timedelta(days=3)
    client.post(
        reverse("meetings-log-create", args=[match.pk]),
        {"date": str(day), "duration_minutes": 30, f"goal_{goal.pk}": 40, "notes_shared": "tpyo"},
    )
    log = SessionLog.objects.get()
    Goal.objects.filter(pk=goal.pk).update(status="dropped")
    url = reverse("meetings-log-edit", args=[log.pk])

    page = client.get(url).content.decode()
    sent = _what_the_form_sends(page)
    assert sent[f"goal_{goal.pk}"] == "40"  # the dropped goal is in the form, with the log's figure
    assert "Now 40 % (dropped)." in page
    response = client.post(url, {**sent, "notes_shared": "typo fixed"})

    assert response.status_code == 302
    assert SessionGoal.objects.filter(session=log, goal=goal, progress=40).exists()
    assert SessionLog.objects.get().notes_shared == "typo fixed"
    # A form from before the goal was shown (a page left open) sends no figure for it: that keeps it too, as a
    # ModelForm keeps a field the form did not send; the field the form showed, sent back empty, clears it.
    without = {name: value for name, value in sent.items() if name != f"goal_{goal.pk}"}
    assert client.post(url, {**without, "notes_shared": "typo fixed again"}).status_code == 302
    assert SessionGoal.objects.filter(session=log, goal=goal, progress=40).exists()
    assert client.post(url, {**sent, f"goal_{goal.pk}": "", "notes_shared": "no grant"}).status_code == 302
    assert not SessionGoal.objects.filter(session=log).exists()
    # A dropped goal the log does not name is still not offered.
    assert f'name="goal_{goal.pk}"' not in client.get(url).content.decode()
