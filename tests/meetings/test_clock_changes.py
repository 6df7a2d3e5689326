"""Times typed on the nights the clocks change: a skipped time and a repeated time are refused with the reason,
through the pages and the API alike, and an explicit UTC offset settles which one is meant."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.models import Meeting

pytestmark = pytest.mark.django_db

BODY = {"format": "video", "video_link": "https://v.example.org/1"}


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("2027-03-14T02:30:00", "02:30 does not exist on 14 Mar 2027 in America/New_York"),
        ("2027-11-07T01:30:00", "01:30 happens twice on 7 Nov 2027 in America/New_York"),
    ],
)
def test_a_time_the_clocks_skip_or_repeat_is_400_through_the_api_and_nothing_is_saved(
    match: Any, login: Any, mentor: Any, start: str, reason: str
) -> None:
    response = login(mentor.user).post(
        "/api/v1/meetings/", {**BODY, "match": match.pk, "start": start}, content_type="application/json"
    )
    assert response.status_code == 400
    assert reason in response.json()["error"]["message"]
    assert Meeting.objects.count() == 0


def test_the_repeated_hour_with_an_offset_is_unambiguous_and_accepted(match: Any, login: Any, mentor: Any) -> None:
    # -04:00 is the first 01:30 (still daylight time), 05:30 UTC; -05:00 would be the second, 06:30 UTC.
    response = login(mentor.user).post(
        "/api/v1/meetings/",
        {**BODY, "match": match.pk, "start": "2027-11-07T01:30:00-04:00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert Meeting.objects.get().start.isoformat() == "2027-11-07T05:30:00+00:00"


def test_an_hour_either_side_of_the_repeated_hour_is_accepted(match: Any, login: Any, mentor: Any) -> None:
    client = login(mentor.user)
    for start in ("2027-11-07T00:15:00", "2027-11-07T02:00:00"):
        response = client.post(
            "/api/v1/meetings/", {**BODY, "match": match.pk, "start": start}, content_type="application/json"
        )
        assert response.status_code == 201, response.json()
    assert Meeting.objects.count() == 2
