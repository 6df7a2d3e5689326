"""My goals (/me/goals/...) as each persona: only the owner sees or changes a goal; anyone else gets a 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from profiles.models import Goal
from tests.factories import GoalFactory, focus_area

pytestmark = pytest.mark.django_db


def goal_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Submit an abstract to the regional meeting",
        "focus_area": str(focus_area(3).pk),
        "description": "Case report from my medicine rotation.",
        "target_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "status": "in_progress",
        "progress": "10",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_trainee_adds_a_goal_and_sees_it_in_the_list(login: Any, trainee: Any) -> None:
    client = login(trainee.user)
    response = client.post("/me/goals/new/", goal_post())
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.trainee, goal.progress, goal.focus_area) == (trainee, 10, focus_area(3))
    page = client.get("/me/goals/").content.decode()
    assert "Submit an abstract to the regional meeting" in page
    assert 'value="10"' in page  # the progress bar


def test_the_same_new_goal_form_sent_twice_adds_one_goal(login: Any, trainee: Any) -> None:
    # Tried: Save goal, Back (the form still filled in), Save goal again: the goal was listed twice.
    import re

    client = login(trainee.user)
    form = client.get("/me/goals/new/").content.decode()
    submission = re.search(r'name="submission" value="([0-9a-f-]{36})"', form)
    assert submission is not None
    assert client.post("/me/goals/new/", goal_post(submission=submission[1])).status_code == 302
    again = client.post("/me/goals/new/", goal_post(submission=submission[1]), follow=True)
    assert "This goal was already added; it is saved once." in again.content.decode()
    assert Goal.objects.count() == 1
    # A new form is a new goal, even with the same words (two abstracts to two meetings).
    fresh = re.search(r'name="submission" value="([0-9a-f-]{36})"', client.get("/me/goals/new/").content.decode())
    assert fresh is not None
    assert fresh[1] != submission[1]
    assert client.post("/me/goals/new/", goal_post(submission=fresh[1])).status_code == 302
    assert Goal.objects.count() == 2


def test_a_trainee_sees_only_their_own_goals(login: Any, trainee: Any, outsider: Any) -> None:
    GoalFactory(trainee=trainee, title="Mine: learn point-of-care ultrasound")
    GoalFactory(trainee=outsider, title="Theirs: publish a case series")
    page = login(trainee.user).get("/me/goals/").content.decode()
    assert "Mine: learn point-of-care ultrasound" in page
    assert "Theirs: publish a case series" not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target_date": "2020-01-01"}, "target_date", "from today on"),
        ({"progress": "150"}, "progress", "at most 100"),
        ({"progress": "-5"}, "progress", "at least 0"),
        ({"title": ""}, "title", "required"),
        ({"status": "finished-ish"}, "status", "valid choice"),
        # The review saved "Achieved" at 0 %, "Not started" at 100 % and a target in the year 9999.
        ({"status": "achieved", "progress": "0"}, "progress", "An achieved goal is at 100 %."),
        ({"status": "not_started", "progress": "100"}, "progress", "A goal not started yet is at 0 %"),
        ({"target_date": "9999-12-31"}, "target_date", "within ten years"),
    ],
)
def test_bad_goal_input_is_shown_next_to_the_field_and_nothing_is_saved(
    login: Any, trainee: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    response = login(trainee.user).post("/me/goals/new/", goal_post(**changes))
    assert response.status_code == 400  # refused: the page again, with why
    assert any(message in error for error in response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Goal.objects.count() == 0


def test_a_trainee_edits_their_goal(login: Any, trainee: Any) -> None:
    goal = GoalFactory(trainee=trainee)
    response = login(trainee.user).post(f"/me/goals/{goal.pk}/edit/", goal_post(status="achieved", progress="100"))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == ("achieved", 100)


def test_an_overdue_goal_stays_editable_without_moving_its_date(login: Any, trainee: Any) -> None:
    past = timezone.localdate() - timedelta(days=10)
    goal = GoalFactory(trainee=trainee, target_date=past)
    response = login(trainee.user).post(
        f"/me/goals/{goal.pk}/edit/", goal_post(target_date=past.isoformat(), progress="80")
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == 80


def test_moving_a_goal_date_into_the_past_is_refused(login: Any, trainee: Any) -> None:
    goal = GoalFactory(trainee=trainee, target_date=timezone.localdate() + timedelta(days=5))
    response = login(trainee.user).post(f"/me/goals/{goal.pk}/edit/", goal_post(target_date="2021-03-01"))
    assert response.status_code == 400  # refused: the page again, with why
    goal.refresh_from_db()
    assert goal.target_date == timezone.localdate() + timedelta(days=5)


def test_a_trainee_deletes_their_goal_after_confirming(login: Any, trainee: Any) -> None:
    goal = GoalFactory(trainee=trainee)
    client = login(trainee.user)
    assert "cannot be undone" in client.get(f"/me/goals/{goal.pk}/delete/").content.decode()
    assert Goal.objects.count() == 1  # looking at the confirmation deletes nothing
    assert client.post(f"/me/goals/{goal.pk}/delete/").status_code == 302
    assert Goal.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "mentor", "coordinator"])
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_someone_elses_goal_is_a_404_and_stays_as_it_was(
    request: pytest.FixtureRequest, login: Any, trainee: Any, persona: str, action: str
) -> None:
    goal = GoalFactory(trainee=trainee, title="Tara's goal", progress=20)
    other = request.getfixturevalue(persona)
    client: Client = login(getattr(other, "user", other))
    assert client.get(f"/me/goals/{goal.pk}/{action}/").status_code == 404
    assert client.post(f"/me/goals/{goal.pk}/{action}/", goal_post(title="Hijacked")).status_code == 404
    goal.refresh_from_db()
    assert (goal.title, goal.progress) == ("Tara's goal", 20)


def test_a_mentor_without_a_trainee_profile_is_asked_to_create_one_first(login: Any, mentor: Any) -> None:
    client = login(mentor.user)
    assert "Create your trainee profile" in client.get("/me/goals/").content.decode()
    response = client.post("/me/goals/new/", goal_post())
    assert response.status_code == 302
    assert response["Location"] == "/me/trainee/"
    assert Goal.objects.count() == 0


def test_the_goals_link_appears_in_the_navigation_for_trainees_only(login: Any, trainee: Any, mentor: Any) -> None:
    assert 'href="/me/goals/"' in login(trainee.user).get("/me/").content.decode()
    assert 'href="/me/goals/"' not in login(mentor.user).get("/").content.decode()


def test_a_goal_saved_before_the_status_rule_still_takes_a_title_edit(login: Any, trainee: Any) -> None:
    # An achieved goal left at 60 % (older data, or a session's progress before the rule) refused every edit.
    from tests.factories import GoalFactory

    goal = GoalFactory(trainee=trainee, status="achieved", progress=60)
    response = login(trainee.user).post(
        f"/me/goals/{goal.pk}/edit/", goal_post(title="Renamed", status="achieved", progress="60")
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Renamed"


def test_progress_below_100_from_a_session_reopens_an_achieved_goal() -> None:
    from profiles.services import goal_progress_record
    from tests.factories import GoalFactory

    goal = goal_progress_record(goal=GoalFactory(status="achieved", progress=100), progress=60)
    assert (goal.status, goal.progress) == ("in_progress", 60)
