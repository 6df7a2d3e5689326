"""Free text in meetings (an agenda, a session's notes, feedback) has a limit of 4,000 characters, as a profile's
statement does. Before, 20,000 characters were saved and went into every reminder e-mail and calendar invitation.
Over the limit, the page says so next to the field and keeps what was typed; the API answers 400; nothing is saved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import TEXT_MAX_LENGTH, Feedback, Meeting, SessionLog
from tests.factories import MeetingFactory, mentors_today

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * (TEXT_MAX_LENGTH + 1)
SAYS = f"Ensure this value has at most {TEXT_MAX_LENGTH} characters (it has {TEXT_MAX_LENGTH + 1})."


def _when() -> str:
    return (timezone.now() + timedelta(days=4)).strftime("%Y-%m-%dT10:00")


def test_an_agenda_over_the_limit_is_shown_back_and_no_meeting_is_proposed(match: Any, login: Any, mentor: Any) -> None:
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {
            "start": _when(),
            "duration_minutes": 30,
            "format": "video",
            "video_link": "https://v.example.org/1",
            "agenda": TOO_LONG,
        },
    )
    assert response.status_code == 400
    assert SAYS in response.content.decode()
    assert Meeting.objects.count() == 0


def test_an_agenda_at_the_limit_is_saved(match: Any, login: Any, mentor: Any) -> None:
    login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {
            "start": _when(),
            "duration_minutes": 30,
            "format": "video",
            "video_link": "https://v.example.org/1",
            "agenda": TOO_LONG[:-1],
        },
    )
    assert len(Meeting.objects.get().agenda) == TEXT_MAX_LENGTH


@pytest.mark.parametrize("field", ["notes_shared", "next_steps", "notes_private"])
def test_session_notes_over_the_limit_are_refused_and_nothing_is_logged(
    match: Any, login: Any, mentor: Any, field: str
) -> None:
    today = mentors_today(match).isoformat()
    response = login(mentor.user).post(
        reverse("meetings-log-create", args=[match.pk]), {"date": today, "duration_minutes": 45, field: TOO_LONG}
    )
    assert SAYS in response.content.decode()
    assert SessionLog.objects.count() == 0


@pytest.mark.parametrize("field", ["went_well", "to_change"])
def test_feedback_over_the_limit_is_refused_and_nothing_is_recorded(
    match: Any, login: Any, mentor: Any, field: str
) -> None:
    held = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=4))
    response = login(mentor.user).post(
        reverse("meetings-feedback", args=[held.pk]), {"rating": "4", "useful": "yes", field: TOO_LONG}
    )
    assert SAYS in response.content.decode()
    assert Feedback.objects.count() == 0


def test_through_the_api_an_agenda_notes_or_feedback_over_the_limit_is_400_and_saves_nothing(
    match: Any, login: Any, mentor: Any
) -> None:
    client = login(mentor.user)
    held = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=4))
    start = (timezone.now() + timedelta(days=4)).replace(microsecond=0).isoformat()
    calls = [
        (
            "/api/v1/meetings/",
            {
                "match": match.pk,
                "start": start,
                "format": "video",
                "video_link": "https://v.example.org/1",
                "agenda": TOO_LONG,
            },
            "agenda",
        ),
        (
            "/api/v1/session-logs/",
            {
                "match": match.pk,
                "date": mentors_today(match).isoformat(),
                "duration_minutes": 45,
                "notes_private": TOO_LONG,
            },
            "notes_private",
        ),
        ("/api/v1/feedback/", {"meeting": held.pk, "rating": 4, "useful": True, "went_well": TOO_LONG}, "went_well"),
    ]
    for url, body, field in calls:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.json())
        assert field in response.json()["error"]["fields"], response.json()
    assert (Meeting.objects.count(), SessionLog.objects.count(), Feedback.objects.count()) == (1, 0, 0)


def test_through_the_api_a_log_edit_over_the_limit_is_400_and_keeps_the_log(
    match: Any, login: Any, mentor: Any
) -> None:
    client = login(mentor.user)
    created = client.post(
        "/api/v1/session-logs/",
        {"match": match.pk, "date": mentors_today(match).isoformat(), "duration_minutes": 45, "next_steps": "Read"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/session-logs/{created.json()['id']}/"
    body = {"date": mentors_today(match).isoformat(), "duration_minutes": 45, "next_steps": TOO_LONG}
    assert client.put(url, body, content_type="application/json").status_code == 400
    assert SessionLog.objects.get().next_steps == "Read"
