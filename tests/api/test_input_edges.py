"""Edges of the REST API's input, found in a review (2026-12-01): a filter given twice, a pasted search, page numbers
int() reads but are not whole numbers, a mentor who left starred by id, time-zone files that are no place's zone,
and a meeting in the repeated hour lengthened through the API. Each docstring says what went wrong before the fix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from freezegun import freeze_time
from rest_framework.test import APIClient

from meetings import services
from tests.factories import MentorProfileFactory, approved_match, video_meeting_proposed

pytestmark = pytest.mark.django_db


def _as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- The repeated hour: the page keeps an unchanged time, the API refuses it ------------------------------------

SECOND_0130_IN_LA = datetime(2027, 11, 7, 9, 30, tzinfo=UTC)  # 01:30 PST, the second 01:30 in Los Angeles


@freeze_time(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
def test_lengthening_a_meeting_in_the_repeated_hour_through_the_api_keeps_its_time(mentor: Any, trainee: Any) -> None:
    """A trainee in Los Angeles has a meeting at the second 01:30 of 7 Nov 2027. Her app sends the time back as
    she sees it, without an offset (the schema: "Without an offset it is read in your own time zone"), with a
    longer duration. The page's Move form accepts exactly this (`local_to_utc(..., keeping=meeting.start)`); the
    API answers 400 "01:30 happens twice", so the meeting cannot be lengthened through the API without moving it."""
    mentor.time_zone, trainee.time_zone = "Europe/London", "America/Los_Angeles"
    mentor.save()
    trainee.save()
    match = approved_match(mentor=mentor, trainee=trainee)
    meeting = video_meeting_proposed(mentor, trainee, by=mentor.user, start=SECOND_0130_IN_LA, match=match)
    services.meeting_accept(meeting=meeting, by=trainee.user)

    response = _as(trainee.user).post(
        f"/api/v1/meetings/{meeting.pk}/reschedule/",
        {"start": "2027-11-07T01:30", "duration_minutes": 60},
        format="json",
    )
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert (meeting.start, meeting.duration_minutes) == (SECOND_0130_IN_LA, 60)


# --- Repeated query parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url", "kept"),
    [
        ("trainee", "/api/v1/meetings/?status=accepted&status=proposed", "meeting"),
        ("coordinator", "/api/v1/matches/?status=approved&status=requested", "match"),
    ],
)
def test_a_filter_sent_twice_is_refused_never_half_ignored(world: Any, persona: str, url: str, kept: str) -> None:
    """A client builds `?status=accepted&status=proposed` (the usual way to ask for two values). The API reads
    only the last value and answers 200 without the accepted meeting (or the approved match): half the filter is
    silently ignored, which docs/api.md promises never happens ("never a filter silently ignored")."""
    response = world.client(persona).get(url)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"status": ["Give this query parameter once: it takes one value."]}
    # Once, it is applied as before.
    single = world.client(persona).get(url.split("&")[0])
    assert world.objects[kept].pk in [row["id"] for row in single.json()["results"]]


# --- A long search word on the embedded database -------------------------------------------------------------


def test_a_very_long_search_word_is_not_a_server_error(world: Any) -> None:
    """A trainee's app passes a pasted text (50,001 characters, no spaces) as `?q=` to the mentor directory. On
    SQLite (`make run`'s database, served by runserver, which takes such URLs) each word becomes a LIKE pattern and
    SQLite refuses patterns over 50,000 bytes ("LIKE or GLOB pattern too complex"): a 500 `server_error` instead of
    a 400 naming `q` (bodies refuse strings over 20,000 characters the same way)."""
    client = world.client("trainee")
    client.raise_request_exception = False
    response = client.get("/api/v1/mentors/", {"q": "a" * 50_001})
    assert response.status_code == 400, (connection.vendor, response.content[:200])
    assert "q" in response.json()["error"]["fields"]


# --- Page numbers that are not whole numbers ----------------------------------------------------------------


@pytest.mark.parametrize("number", ["\uff11", "1_0", " 1", "+1"])
def test_a_page_that_is_not_plain_digits_is_a_400_naming_page(world: Any, number: str) -> None:
    """docs/api.md: "a page that is neither a whole number from 1 nor `last` … is 400 naming `page`". Python's
    int() also reads full-width digits ("１"), underscores ("1_0" → page 10), spaces and a plus sign, so these are
    answered as pages (200, or 404 "past the end" for "1_0") instead of the documented 400."""
    response = world.client("trainee").get("/api/v1/goals/", {"page": number})
    assert response.status_code == 400, (number, response.status_code)
    assert "page" in response.json()["error"]["fields"]


# --- Shortlisting a mentor who left -------------------------------------------------------------------------


def test_starring_a_deactivated_mentor_is_answered_like_an_id_nobody_has(world: Any) -> None:
    """A trainee's app stars mentor ids. For an id nobody has the answer is 400 `invalid` "Invalid pk … does not
    exist" on `mentor`; for a mentor whose account was deactivated it is 400 `shortlist_invalid` "This mentor no
    longer takes part": trying ids tells who left, which the directory, the mentor's page (404) and
    `POST /requests/` ("the 400 of an id nobody has") are careful not to."""
    gone = MentorProfileFactory(user__is_active=False)
    client = world.client("trainee")
    unknown = client.post("/api/v1/shortlist/", {"mentor": gone.pk + 1000}, format="json")
    left = client.post("/api/v1/shortlist/", {"mentor": gone.pk}, format="json")
    assert unknown.status_code == left.status_code == 400
    assert left.json()["error"]["code"] == unknown.json()["error"]["code"]
    assert set(left.json()["error"]["fields"]) == {"mentor"}


# --- A time zone that is the server's -------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
def test_a_profile_time_zone_must_be_a_real_iana_zone(world: Any, zone: str) -> None:
    """A trainee's app sets `time_zone` to "localtime" (or "Factory"). `validate_time_zone` checks the name against
    `zoneinfo.available_timezones()`, which lists the files under /usr/share/zoneinfo, where Debian keeps
    `localtime` -> /etc/localtime (the server's own zone) and `Factory` (offset "-00"). The API answers 200 and the
    profile's zone is then whatever each web server's clock is set to (UTC here, New York on a laptop running
    `make run`, and nothing at all where the link is missing: `zone()` falls back to UTC), instead of a 400 naming
    `time_zone` like "Mars/Olympus" gets."""
    response = world.client("trainee").patch("/api/v1/me/", {"trainee_profile": {"time_zone": zone}}, format="json")
    assert response.status_code == 400, response.content[:200]
    assert "time_zone" in response.json()["error"]["fields"]["trainee_profile"]
