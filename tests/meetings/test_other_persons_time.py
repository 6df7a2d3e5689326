"""Each person reads a meeting's time in their own zone, and also what it is for the other person: before, the one
proposing never saw it, and 16:00 in New York was proposed to someone in Kolkata for 02:30 the next night unawares.
Only the other person's name (on the page already) and their zone are said, never anything else of theirs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse
from freezegun import freeze_time

from meetings import services
from meetings.models import Meeting
from meetings.templatetags.meeting_tags import other_person_zone
from tests.factories import approved_match, video_meeting_proposed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # New York on EST (UTC-5), Kolkata UTC+5:30 all year
THU_16_00_IN_NEW_YORK = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)


@pytest.fixture
def kolkata(mentor: Any, trainee: Any) -> Any:
    """Dr Maya Patel mentors from New York, Tara Trainee is in Kolkata."""
    trainee.time_zone = "Asia/Kolkata"
    trainee.save()
    return approved_match(mentor=mentor, trainee=trainee)


def _proposed(match: Any, mentor: Any, start: datetime = THU_16_00_IN_NEW_YORK) -> Meeting:
    return video_meeting_proposed(
        match.mentor, match.trainee, by=mentor.user, start=start, match=match, duration_minutes=45
    )


def _start_help(page: str) -> str:
    """The help text tied to the date-and-time field (what a screen reader says with it, besides any error)."""
    described = re.search(r'<input type="datetime-local" name="start"[^>]*aria-describedby="([^"]+)"', page)
    assert described is not None, "the time field is described by no text"
    for element_id in described[1].split():
        said = re.search(rf'<span class="helptext" id="{element_id}">([^<]*)</span>', page)
        if said is not None:
            return said[1]
    raise AssertionError("the time field is described by no help text")


@freeze_time(NOW)
def test_the_pending_proposal_tells_each_person_the_time_it_is_for_the_other(
    kolkata: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    meeting = _proposed(kolkata, mentor)
    url = reverse("meetings-detail", args=[meeting.pk])
    proposer = login(mentor.user).get(url).content.decode()
    assert "Meeting on Thu 3 Dec 2026, 16:00 (America/New_York)" in proposer
    assert "That is 02:30 on Fri 4 Dec for Tara Trainee (Asia/Kolkata)." in proposer
    answerer = login(trainee.user).get(url).content.decode()
    assert "Meeting on Fri 4 Dec 2026, 02:30 (Asia/Kolkata)" in answerer
    assert "That is 16:00 on Thu 3 Dec for Dr Maya Patel (America/New_York)." in answerer


@freeze_time(NOW)
def test_the_accepted_meeting_page_and_the_move_form_say_it_too(
    kolkata: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    meeting = _proposed(kolkata, mentor)
    services.meeting_accept(meeting=meeting, by=trainee.user)
    client = login(mentor.user)
    for name in ("meetings-detail", "meetings-reschedule"):
        page = client.get(reverse(name, args=[meeting.pk])).content.decode()
        assert "That is 02:30 on Fri 4 Dec for Tara Trainee (Asia/Kolkata)." in page, name


@freeze_time(NOW)
def test_the_other_persons_time_in_their_repeated_hour_says_which_of_the_two(
    login: Any, mentor: Any, trainee: Any
) -> None:
    mentor.time_zone, trainee.time_zone = "Europe/London", "America/Los_Angeles"
    mentor.save()
    trainee.save()
    meeting = _proposed(
        approved_match(mentor=mentor, trainee=trainee), mentor, datetime(2027, 11, 7, 9, 30, tzinfo=UTC)
    )
    page = login(mentor.user).get(reverse("meetings-detail", args=[meeting.pk])).content.decode()
    assert (
        "That is 01:30 on Sun 7 Nov for Tara Trainee (America/Los_Angeles, UTC-08:00, after the clocks go back)."
    ) in page


@freeze_time(NOW)
def test_the_propose_form_says_the_other_persons_zone_and_how_far_ahead_or_behind_next_to_the_time(
    kolkata: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    url = reverse("meetings-propose", args=[kolkata.pk])
    assert _start_help(login(mentor.user).get(url).content.decode()) == (
        "In your time zone (America/New_York). Tara Trainee is in Asia/Kolkata, 10 h 30 min ahead of you now."
    )
    assert _start_help(login(trainee.user).get(url).content.decode()) == (
        "In your time zone (Asia/Kolkata). Dr Maya Patel is in America/New_York, 10 h 30 min behind you now."
    )


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("name", "who", "said"),
    [
        # The proposer moves their proposal; the other person suggests another time.
        ("meetings-reschedule", "mentor", "Tara Trainee is in Asia/Kolkata, 10 h 30 min ahead of you now."),
        ("meetings-suggest", "trainee", "Dr Maya Patel is in America/New_York, 10 h 30 min behind you now."),
    ],
)
def test_the_move_and_suggest_forms_say_it_next_to_the_time_too(
    kolkata: Any, login: Any, mentor: Any, request: pytest.FixtureRequest, name: str, who: str, said: str
) -> None:
    meeting = _proposed(kolkata, mentor)
    page = login(request.getfixturevalue(who).user).get(reverse(name, args=[meeting.pk])).content.decode()
    assert _start_help(page).endswith(said)


@freeze_time(NOW)
def test_a_refused_time_keeps_the_other_persons_zone_beside_the_field(kolkata: Any, login: Any, mentor: Any) -> None:
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[kolkata.pk]),
        {"start": "2027-03-14T02:30", "duration_minutes": 45, "format": "phone", "phone": "+1 555 0100"},
    )
    assert response.status_code == 400
    assert "Tara Trainee is in Asia/Kolkata, 10 h 30 min ahead of you now." in _start_help(response.content.decode())


@pytest.mark.parametrize(
    ("theirs", "now", "said"),
    [
        (
            "Europe/Berlin",
            datetime(2027, 1, 15, 12, tzinfo=UTC),
            "Tara Trainee is in Europe/Berlin, 6 h ahead of you now.",
        ),
        # The three weeks between the US and the EU clock changes: the gap is the one of the moment.
        (
            "Europe/Berlin",
            datetime(2027, 3, 20, 12, tzinfo=UTC),
            "Tara Trainee is in Europe/Berlin, 5 h ahead of you now.",
        ),
        ("America/St_Johns", NOW, "Tara Trainee is in America/St_Johns, 1 h 30 min ahead of you now."),
        ("America/Chicago", NOW, "Tara Trainee is in America/Chicago, 1 h behind you now."),
        ("America/Toronto", NOW, "Tara Trainee is in America/Toronto, the same time as you now."),
        ("America/New_York", NOW, "Tara Trainee is in your time zone too."),
    ],
)
def test_the_gap_is_said_in_hours_and_minutes_ahead_or_behind(
    mentor: Any, trainee: Any, theirs: str, now: datetime, said: str
) -> None:
    trainee.time_zone = theirs
    trainee.save()
    assert other_person_zone(approved_match(mentor=mentor, trainee=trainee), mentor.user, now=now) == said
