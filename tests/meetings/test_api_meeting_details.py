"""A proposal keeps only the detail its format uses (a place in person, a link for video, a number by phone), through
the API as on the page: a detail of another format is neither a reason to refuse the proposal nor saved.

Tried without the fix: POST /api/v1/meetings/ with `"format": "in_person"`, a place, and the `"video_link": "zoom
meeting 123"` a client's form still held from video was refused 400 "Enter a valid URL." (the page's form takes it);
with a valid leftover link, the in-person meeting was saved with the link and sent to the other person with it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from matching.models import Match
from meetings import services
from meetings.errors import MeetingAlreadyProposed
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _start() -> Any:
    return (timezone.now() + timedelta(days=4)).replace(microsecond=0)


def _propose(client: Any, match: Match, **body: Any) -> Any:
    return client.post(
        "/api/v1/meetings/",
        {"match": match.pk, "start": _start().isoformat(), **body},
        content_type="application/json",
    )


def test_an_in_person_proposal_with_a_leftover_link_that_is_no_url_is_accepted_without_it(
    match: Match, login: Any, mentor: Any
) -> None:
    response = _propose(
        login(mentor.user), match, format="in_person", place="Room 4", video_link="zoom meeting 123", phone="x"
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["place"], response.json()["video_link"], response.json()["phone"]) == ("Room 4", "", "")
    meeting = Meeting.objects.get()
    assert (meeting.place, meeting.video_link, meeting.phone) == ("Room 4", "", "")


def test_a_valid_leftover_link_is_not_saved_with_a_phone_meeting_either(
    match: Match, login: Any, mentor: Any, trainee: Any
) -> None:
    response = _propose(
        login(mentor.user),
        match,
        format="phone",
        phone="+1 555 010 0100",
        video_link="https://video.example.org/room/7",
        place="x" * 500,  # longer than a place may be: not checked either
    )

    assert response.status_code == 201, response.json()
    listed = login(trainee.user).get(f"/api/v1/meetings/{response.json()['id']}/").json()
    assert (listed["phone"], listed["video_link"], listed["place"]) == ("+1 555 010 0100", "", "")


def test_the_link_of_a_video_proposal_is_still_checked(match: Match, login: Any, mentor: Any) -> None:
    response = _propose(login(mentor.user), match, format="video", video_link="zoom meeting 123", place="Room 4")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["video_link"]
    assert not Meeting.objects.exists()


def test_the_service_keeps_only_the_chosen_formats_detail(match: Match, mentor: Any) -> None:
    meeting = services.meeting_propose(
        match=match,
        by=mentor.user,
        start=_start(),
        duration_minutes=30,
        format="video",
        video_link=" https://video.example.org/room/7 ",
        place="Room 4",
        phone="+1 555 010 0100",
    )

    meeting.refresh_from_db()
    assert (meeting.video_link, meeting.place, meeting.phone) == ("https://video.example.org/room/7", "", "")


def test_a_proposal_sent_again_with_another_leftover_detail_is_the_same_proposal(match: Match, mentor: Any) -> None:
    # What is not saved does not tell two sendings apart: the second is the first sent again, not an overlap.
    start = _start()
    first = services.meeting_propose(
        match=match, by=mentor.user, start=start, duration_minutes=30, format="in_person", place="Room 4"
    )

    with pytest.raises(MeetingAlreadyProposed) as again:
        services.meeting_propose(
            match=match,
            by=mentor.user,
            start=start,
            duration_minutes=30,
            format="in_person",
            place="Room 4",
            video_link="https://video.example.org/room/7",
        )

    assert again.value.meeting == first
