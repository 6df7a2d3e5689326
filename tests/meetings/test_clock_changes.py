"""Times typed on the nights the clocks change: a skipped time and a repeated time are refused with the reason,
through the pages and the API alike, and an explicit UTC offset settles which one is meant.

The clock is held before those nights (and less than two years before them): unfrozen, these meetings in 2027
would be refused as past from 7 Nov 2027 on, whatever the rule tested."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from meetings import services
from meetings.forms import MeetingTimeForm
from meetings.models import Meeting
from tests.factories import approved_match, video_meeting_proposed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

BODY = {"format": "video", "video_link": "https://v.example.org/1"}


@freeze_time(NOW)
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


@freeze_time(NOW)
def test_the_repeated_hour_with_an_offset_is_unambiguous_and_accepted(match: Any, login: Any, mentor: Any) -> None:
    # -04:00 is the first 01:30 (still daylight time), 05:30 UTC; -05:00 would be the second, 06:30 UTC.
    response = login(mentor.user).post(
        "/api/v1/meetings/",
        {**BODY, "match": match.pk, "start": "2027-11-07T01:30:00-04:00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert Meeting.objects.get().start.isoformat() == "2027-11-07T05:30:00+00:00"


@freeze_time(NOW)
def test_an_hour_either_side_of_the_repeated_hour_is_accepted(match: Any, login: Any, mentor: Any) -> None:
    client = login(mentor.user)
    for start in ("2027-11-07T00:15:00", "2027-11-07T02:00:00"):
        response = client.post(
            "/api/v1/meetings/", {**BODY, "match": match.pk, "start": start}, content_type="application/json"
        )
        assert response.status_code == 201, response.json()
    assert Meeting.objects.count() == 2


# --- The server's own zone (settings.TIME_ZONE) -------------------------------------------------------------------
# TIME_ZONE is a documented setting. Django's DateTimeField read a typed time in it and refused, with "couldn't be
# interpreted in time zone America/New_York", a time New York skips or repeats that was ordinary for the person
# typing it in Berlin.


@pytest.fixture
def berlin(mentor: Any, trainee: Any) -> Any:
    """Tara Trainee is in Berlin, whose clocks change on other nights than New York's."""
    trainee.time_zone = "Europe/Berlin"
    trainee.save()
    return approved_match(mentor=mentor, trainee=trainee)


@freeze_time(NOW)
@pytest.mark.parametrize(
    "typed",
    [
        "2027-03-14T02:30",  # skipped in New York (spring forward), an ordinary Sunday night in Berlin
        "2027-11-07T01:30",  # repeated in New York (fall back), an ordinary Sunday night in Berlin
    ],
)
def test_a_time_only_the_servers_zone_skips_or_repeats_is_proposed_from_the_page(
    berlin: Any, login: Any, trainee: Any, settings: Any, typed: str
) -> None:
    settings.TIME_ZONE = "America/New_York"
    response = login(trainee.user).post(f"/meetings/new/{berlin.pk}/", {**BODY, "start": typed, "duration_minutes": 45})
    assert response.status_code == 302, response.content.decode()
    assert Meeting.objects.get().start.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None) == (
        datetime.fromisoformat(typed)
    )


@freeze_time(NOW)
def test_a_time_only_the_servers_zone_skips_is_moved_to_from_the_page(
    berlin: Any, login: Any, mentor: Any, trainee: Any, settings: Any
) -> None:
    meeting = services.meeting_propose(
        match=berlin, by=mentor.user, start=datetime(2027, 3, 10, 12, 0, tzinfo=UTC), duration_minutes=45, **BODY
    )
    services.meeting_accept(meeting=meeting, by=trainee.user)
    settings.TIME_ZONE = "America/New_York"
    response = login(trainee.user).post(
        f"/meetings/{meeting.pk}/reschedule",
        {"start": "2027-03-14T02:30", "duration_minutes": 45, "sequence": meeting.sequence},
    )
    assert response.status_code == 302, response.content.decode()
    meeting.refresh_from_db()
    assert meeting.start == datetime(2027, 3, 14, 1, 30, tzinfo=UTC)  # 02:30 in Berlin (UTC+1)


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2027-03-14T02:30", "02:30 does not exist on 14 Mar 2027 in America/New_York: the clocks go forward then."),
        ("2027-11-07T01:30", "01:30 happens twice on 7 Nov 2027 in America/New_York: the clocks go back then."),
    ],
)
def test_with_the_server_in_new_york_a_new_yorker_is_told_why_in_the_apps_own_words(
    match: Any, login: Any, mentor: Any, settings: Any, typed: str, said: str
) -> None:
    settings.TIME_ZONE = "America/New_York"
    response = login(mentor.user).post(f"/meetings/new/{match.pk}/", {**BODY, "start": typed, "duration_minutes": 45})
    page = response.content.decode()
    assert response.status_code == 400
    assert said in page
    assert "interpreted" not in page
    assert not Meeting.objects.exists()


def test_the_form_gives_the_time_as_typed_whatever_the_servers_zone(settings: Any) -> None:
    settings.TIME_ZONE = "America/New_York"
    form = MeetingTimeForm({"start": "2027-11-07T01:30", "duration_minutes": 45})
    assert form.is_valid(), form.errors
    assert form.naive_start() == datetime(2027, 11, 7, 1, 30)  # naive: the view reads it in the person's zone


def test_an_offset_typed_into_the_form_by_hand_is_refused_rather_than_dropped() -> None:
    # It was dropped, and 01:30-04:00 read as 01:30 in the person's own zone: hours off for anyone not in New York.
    form = MeetingTimeForm({"start": "2027-11-07T01:30-04:00", "duration_minutes": 45})
    assert not form.is_valid()
    assert form.errors["start"] == ["Enter the date and time as 2026-12-03 14:30."]


# --- A meeting already in the repeated hour --------------------------------------------------------------------
# London's 09:30 on 7 Nov 2027 is the second 01:30 in Los Angeles. The Move form starts from the meeting's time,
# "2027-11-07T01:30", without saying which 01:30: sent back unchanged, it was refused as happening twice.

SECOND_0130_IN_LA = datetime(2027, 11, 7, 9, 30, tzinfo=UTC)  # 01:30 PST
FIRST_0130_IN_LA = datetime(2027, 11, 7, 8, 30, tzinfo=UTC)  # 01:30 PDT


@freeze_time(NOW)
@pytest.mark.parametrize("start", [SECOND_0130_IN_LA, FIRST_0130_IN_LA])
def test_los_angeles_lengthens_a_meeting_at_either_0130_and_it_keeps_its_time(
    london_la: Any, login: Any, mentor: Any, trainee: Any, start: datetime
) -> None:
    meeting = video_meeting_proposed(mentor, trainee, by=mentor.user, start=start, match=london_la, duration_minutes=45)
    services.meeting_accept(meeting=meeting, by=trainee.user)
    client = login(trainee.user)
    assert 'value="2027-11-07T01:30"' in client.get(f"/meetings/{meeting.pk}/reschedule").content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/reschedule", {"start": "2027-11-07T01:30", "duration_minutes": 60, "sequence": 0}
    )
    assert response.status_code == 302, response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.start, meeting.duration_minutes) == (start, 60)


@freeze_time(NOW)
def test_los_angeles_suggests_the_proposed_second_0130_for_longer_and_it_keeps_its_time(
    london_la: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    meeting = video_meeting_proposed(
        mentor, trainee, by=mentor.user, start=SECOND_0130_IN_LA, match=london_la, duration_minutes=45
    )
    response = login(trainee.user).post(
        f"/meetings/{meeting.pk}/suggest", {"start": "2027-11-07T01:30", "duration_minutes": 60, "sequence": 0}
    )
    assert response.status_code == 302, response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.start, meeting.duration_minutes, meeting.proposed_by) == (SECOND_0130_IN_LA, 60, trainee.user)


@freeze_time(NOW)
def test_moving_to_another_time_in_the_repeated_hour_is_still_refused(
    london_la: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    meeting = video_meeting_proposed(
        mentor, trainee, by=mentor.user, start=SECOND_0130_IN_LA, match=london_la, duration_minutes=45
    )
    services.meeting_accept(meeting=meeting, by=trainee.user)
    response = login(trainee.user).post(
        f"/meetings/{meeting.pk}/reschedule", {"start": "2027-11-07T01:45", "duration_minutes": 45, "sequence": 0}
    )
    assert response.status_code == 400
    assert "01:45 happens twice on 7 Nov 2027 in America/Los_Angeles" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.start == SECOND_0130_IN_LA
