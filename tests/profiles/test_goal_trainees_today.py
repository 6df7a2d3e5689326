"""A goal's "not in the past" rule and its "overdue" badge follow the trainee's own calendar, not the server's UTC.

Before the fix (today = timezone.localdate(), UTC) the Chicago evening goal was refused with "Choose a target date
from today on", the Tokyo morning goal dated yesterday was saved, and both "(overdue)" and the API's `is_overdue`
were a day off; each test below failed.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from freezegun import freeze_time
from rest_framework.test import APIClient

from profiles.models import Goal
from tests.factories import GoalFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db

# 03:00 UTC on 10 March is 21:00 on 9 March in Chicago; 23:00 UTC on 9 March is 08:00 on 10 March in Tokyo.
CHICAGO_EVENING = "2026-03-10 03:00:00"
TOKYO_MORNING = "2026-03-09 23:00:00"


def _signed_in(time_zone: str) -> tuple[Client, object]:
    trainee = TraineeProfileFactory(time_zone=time_zone)
    client = Client()
    client.force_login(trainee.user, backend="profiles.backends.EmailBackend")
    return client, trainee


def _new_goal(target_date: str) -> dict[str, str]:
    return {"title": "Submit the abstract", "target_date": target_date, "status": "not_started", "progress": "0"}


def test_a_chicago_trainee_can_set_her_own_today_as_target_date_in_the_evening() -> None:
    client, _ = _signed_in("America/Chicago")
    with freeze_time(CHICAGO_EVENING):
        response = client.post("/me/goals/new/", _new_goal("2026-03-09"))
    assert response.status_code == 302
    assert Goal.objects.get().target_date == datetime.date(2026, 3, 9)


def test_a_tokyo_trainee_cannot_set_her_yesterday_as_target_date() -> None:
    client, _ = _signed_in("Asia/Tokyo")
    with freeze_time(TOKYO_MORNING):
        response = client.post("/me/goals/new/", _new_goal("2026-03-09"))
    assert response.status_code == 400  # refused: the page again, with why
    assert "Choose a target date from today on" in response.content.decode()
    assert not Goal.objects.exists()


def test_the_api_refuses_a_tokyo_trainees_yesterday_and_takes_a_chicago_trainees_today() -> None:
    tokyo, chicago = TraineeProfileFactory(time_zone="Asia/Tokyo"), TraineeProfileFactory(time_zone="America/Chicago")
    api = APIClient()
    api.force_authenticate(tokyo.user)
    with freeze_time(TOKYO_MORNING):
        refused = api.post("/api/v1/goals/", _new_goal("2026-03-09"), format="json")
    api.force_authenticate(chicago.user)
    with freeze_time(CHICAGO_EVENING):
        taken = api.post("/api/v1/goals/", _new_goal("2026-03-09"), format="json")
    assert (refused.status_code, taken.status_code) == (400, 201)
    assert refused.json()["error"]["fields"]["target_date"] == ["Choose a target date from today on."]


def test_a_goal_due_on_the_trainees_today_is_not_overdue_though_utc_is_a_day_ahead() -> None:
    client, trainee = _signed_in("America/Chicago")
    goal = GoalFactory(trainee=trainee, target_date=datetime.date(2026, 3, 9))
    api = APIClient()
    api.force_authenticate(trainee.user)
    with freeze_time(CHICAGO_EVENING):
        page = client.get("/me/goals/").content.decode()
        from_api = api.get(f"/api/v1/goals/{goal.pk}/").json()
    assert "(overdue)" not in page
    assert from_api["is_overdue"] is False


def test_a_goal_due_yesterday_on_the_trainees_calendar_is_overdue_though_utc_is_still_on_that_day() -> None:
    client, trainee = _signed_in("Asia/Tokyo")
    goal = GoalFactory(trainee=trainee, target_date=datetime.date(2026, 3, 9))
    api = APIClient()
    api.force_authenticate(trainee.user)
    with freeze_time(TOKYO_MORNING):
        page = client.get("/me/goals/").content.decode()
        from_api = api.get(f"/api/v1/goals/{goal.pk}/").json()
    assert "(overdue)" in page
    assert from_api["is_overdue"] is True


def test_an_overdue_goal_stays_editable_on_the_trainees_calendar() -> None:
    # Passed before the fix too: it guards the rule that only a newly chosen date must lie ahead.
    client, trainee = _signed_in("Asia/Tokyo")
    goal = GoalFactory(trainee=trainee, target_date=datetime.date(2026, 3, 9))
    with freeze_time(TOKYO_MORNING):
        response = client.post(
            f"/me/goals/{goal.pk}/edit/",
            {
                "title": "Submit the abstract, revised",
                "target_date": "2026-03-09",
                "status": "in_progress",
                "progress": "40",
            },
        )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.progress) == ("Submit the abstract, revised", 40)
