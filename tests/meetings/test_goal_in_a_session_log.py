"""A goal a mentor's session log records progress on is not deleted: it would erase that progress from the log.

Found in a review of state changes (2026-12-01): the trainee deleted a goal and the progress the mentor's log had
recorded on it vanished with it (`SessionGoal` cascaded), leaving a log of a date and a duration, which the service
itself refuses as an empty log. The goal is kept and the trainee is told to mark it Dropped instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from meetings.models import SessionGoal
from meetings.services.sessions import GoalUpdate, session_log_create
from profiles.models import Goal, TraineeProfile
from tests.factories import GoalFactory, approved_match, mentors_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_goal(mentor: Any, trainee: Any) -> Goal:
    match = approved_match(mentor=mentor, trainee=trainee)
    goal = GoalFactory(trainee=trainee, title="Publish the case report", progress=20)
    session_log_create(
        match=match,
        by=mentor.user,
        date=mentors_today(match) - timedelta(days=1),
        duration_minutes=30,
        goal_updates=[GoalUpdate(goal=goal, progress=60)],
    )
    return goal


def test_the_trainee_deleting_it_on_the_page_is_told_to_drop_it_and_the_log_keeps_its_progress(
    logged_goal: Goal, trainee: Any, login: Any
) -> None:
    client = login(trainee.user)
    page = client.post(reverse("profiles-goal-delete", args=[logged_goal.pk]), follow=True)

    said = page.content.decode()
    assert "“Publish the case report” stays: a mentor" in said
    assert "Mark it Dropped instead" in said
    assert Goal.objects.filter(pk=logged_goal.pk).exists()
    assert SessionGoal.objects.get(goal=logged_goal).progress == 60
    # Through the API: 409 with its code, nothing deleted.
    answered = client.delete(f"/api/v1/goals/{logged_goal.pk}/")
    assert answered.status_code == 409
    assert answered.json()["error"]["code"] == "goal_in_session_log"
    assert Goal.objects.filter(pk=logged_goal.pk).exists()


def test_a_goal_no_log_mentions_is_still_deleted(trainee: Any, login: Any) -> None:
    goal = GoalFactory(trainee=trainee, title="Learn ultrasound")
    login(trainee.user).post(reverse("profiles-goal-delete", args=[goal.pk]))
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_deleting_the_whole_trainee_still_removes_the_goal_and_the_log_with_it(logged_goal: Goal, trainee: Any) -> None:
    # The restriction holds only while the log stays: a superuser deleting the trainee deletes both.
    TraineeProfile.objects.filter(pk=trainee.pk).delete()
    assert not Goal.objects.filter(pk=logged_goal.pk).exists()
    assert not SessionGoal.objects.exists()


def test_the_admin_says_the_goal_cannot_be_deleted_and_keeps_it(logged_goal: Goal, client: Any) -> None:
    from tests.factories import UserFactory

    root = UserFactory(email="root@uni.edu", is_staff=True, is_superuser=True)
    client.force_login(root, backend="profiles.backends.EmailBackend")
    url = reverse("admin:profiles_goal_delete", args=[logged_goal.pk])
    assert "Cannot delete" in client.get(url).content.decode()
    assert "Cannot delete" in client.post(url, {"post": "yes"}).content.decode()  # refused, the page again
    assert Goal.objects.filter(pk=logged_goal.pk).exists()
