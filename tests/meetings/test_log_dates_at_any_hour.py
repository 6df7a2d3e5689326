"""A session log's "today" is the mentor's, at every hour of the UTC day.

CI once failed at 00:36 UTC: tests dated logs with the server's UTC date, which from 00:00 to 05:00 UTC is already
tomorrow for the New York test mentor. These tests pin the clock to those hours (and to ones where the two dates
agree), so the rule is checked whenever the suite runs, not only when CI happens to run at night."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from meetings.models import SessionLog

pytestmark = pytest.mark.django_db

#: Yesterday (UTC) at these times: the fixtures' match, made just now, was approved a day before the real now.
HOURS = ["00:36", "04:59", "05:00", "12:00", "23:30"]


def at(hour: str) -> datetime:
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    return datetime.fromisoformat(f"{yesterday}T{hour}").replace(tzinfo=UTC)


@pytest.mark.parametrize("hour", HOURS)
def test_the_log_form_offers_the_mentors_today_and_saves_it(hour: str, match: Any, login: Any, mentor: Any) -> None:
    moment = at(hour)
    with freeze_time(moment):
        client = login(mentor.user)
        url = reverse("meetings-log-create", args=[match.pk])
        form = client.get(url).content.decode()
        offered = re.search(r'name="date" value="(\d{4}-\d\d-\d\d)"', form)
        submission = re.search(r'name="submission" value="([0-9a-f-]{36})"', form)
        assert offered is not None
        assert submission is not None
        new_york_day = moment.astimezone(ZoneInfo(mentor.time_zone)).date()
        assert offered[1] == new_york_day.isoformat()
        data = {"submission": submission[1], "date": offered[1], "duration_minutes": 45, "notes_shared": "CV review"}
        assert client.post(url, data).status_code == 302
    assert SessionLog.objects.get().date == new_york_day


@pytest.mark.parametrize("hour", ["00:36", "03:00"])  # yesterday in New York in winter (UTC-5) and summer (UTC-4)
def test_the_utc_date_is_refused_while_it_is_still_yesterday_for_the_mentor(
    hour: str, match: Any, login: Any, mentor: Any
) -> None:
    moment = at(hour)
    with freeze_time(moment):
        body = {"match": match.pk, "date": str(moment.date()), "duration_minutes": 30, "notes_shared": "CV review"}
        refused = login(mentor.user).post("/api/v1/session-logs/", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"date": ["In the future."]}
    assert SessionLog.objects.count() == 0
