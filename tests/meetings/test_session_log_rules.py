"""The session-log form as the mentor meets it: a meeting still to come, a meeting already logged, a match that has
ended."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from matching.models import Match
from meetings.models import Meeting, SessionLog
from tests.factories import MeetingFactory, SessionLogFactory

pytestmark = pytest.mark.django_db


def _log_url(match: Any, meeting: Meeting | None = None) -> str:
    url = reverse("meetings-log-create", args=[match.pk])
    return f"{url}?meeting={meeting.pk}" if meeting is not None else url


def at_new_york_midday() -> datetime:
    """15:00 UTC (10:00 or 11:00 in New York) of the last day that has reached it: a meeting 30 minutes on is
    still on the mentor's today. (At 04:30 UTC it is 23:30 in New York, and such a meeting is tomorrow's: CI once
    ran then, and the date was refused as in the future before the meeting's time was looked at.)"""
    now = timezone.now()
    midday = datetime.combine(now.date(), time(15), tzinfo=UTC)
    return midday if midday <= now else midday - timedelta(days=1)


def test_a_meeting_that_has_not_begun_cannot_be_logged_yet(match: Any, login: Any, mentor: Any) -> None:
    # Later today: the date is today's, so only the meeting's own time tells the session has not happened.
    with freeze_time(at_new_york_midday()):
        meeting = MeetingFactory(match=match, start=timezone.now() + timedelta(minutes=30))
        today = timezone.localdate(meeting.start, timezone=ZoneInfo(mentor.time_zone))
        assert today == timezone.localdate(timezone=ZoneInfo(mentor.time_zone))
        response = login(mentor.user).post(
            _log_url(match, meeting),
            {"date": str(today), "duration_minutes": 45, "notes_shared": "Went through the CV."},
        )
    assert response.status_code == 400
    assert "has not taken place yet" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_after_a_match_ends_only_sessions_up_to_its_end_can_be_logged(match: Any, login: Any, mentor: Any) -> None:
    match.status, match.ended_at = Match.Status.ENDED, timezone.now() - timedelta(days=10)
    match.save(update_fields=["status", "ended_at"])
    ended_on = timezone.localdate(match.ended_at, timezone=ZoneInfo(mentor.time_zone))
    client = login(mentor.user)

    response = client.post(
        _log_url(match), {"date": str(ended_on + timedelta(days=3)), "duration_minutes": 45, "notes_shared": "Later."}
    )
    assert response.status_code == 400
    assert f"ended on {ended_on:%-d %b %Y}" in response.content.decode()
    assert not SessionLog.objects.exists()

    # A session held before the end, logged late, is still welcome.
    response = client.post(
        _log_url(match), {"date": str(ended_on - timedelta(days=2)), "duration_minutes": 45, "notes_shared": "Before."}
    )
    assert response.status_code == 302
    assert SessionLog.objects.get().notes_shared == "Before."


def test_the_log_link_of_a_meeting_already_logged_opens_that_log_to_edit(match: Any, login: Any, mentor: Any) -> None:
    # The e-mail's "Log it" link, or the home page opened in an old tab, after the session was logged.
    meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))
    log = SessionLogFactory(match=match, meeting=meeting, author=mentor.user)
    response = login(mentor.user).get(_log_url(match, meeting), follow=True)
    assert response.redirect_chain == [(reverse("meetings-log-edit", args=[log.pk]), 302)]
    assert "already logged" in response.content.decode()
    assert SessionLog.objects.count() == 1


@pytest.mark.parametrize("status", ["requested", "proposed"])
def test_a_mentor_whose_match_was_never_approved_does_not_see_the_trainees_goals(
    login: Any, mentor: Any, trainee: Any, status: str
) -> None:
    """The log form lists the trainee's goals, to record progress on them. Opened for a request the mentor was only
    asked about, or one declined, cancelled or expired, it showed them all the same (a log would be refused)."""
    from tests.factories import GoalFactory, MatchFactory

    GoalFactory(trainee=trainee, title="Publish my depression research quietly")
    match = MatchFactory(mentor=mentor, trainee=trainee, status=status)
    client = login(mentor.user)
    page = client.get(reverse("meetings-log-create", args=[match.pk]))
    body = page.content.decode()
    assert "depression" not in body
    assert "Sessions can only be logged for an approved match" in body
    assert "<form" not in body.split("<main", 1)[-1]
    refused = client.post(reverse("meetings-log-create", args=[match.pk]), {"date": "2026-01-01"})
    assert "depression" not in refused.content.decode()
    assert not SessionLog.objects.exists()


@pytest.mark.parametrize("status", ["declined", "cancelled", "expired"])
def test_the_log_form_of_a_request_turned_down_is_not_found_for_its_mentor(
    login: Any, mentor: Any, trainee: Any, status: str
) -> None:
    """A request declined, cancelled or expired is between the trainee and the coordinator (the API does not list
    it to the mentor): its log form is not found, rather than refused, and shows none of her goals."""
    from tests.factories import GoalFactory, MatchFactory

    GoalFactory(trainee=trainee, title="Publish my depression research quietly")
    match = MatchFactory(mentor=mentor, trainee=trainee, status=status)
    client = login(mentor.user)
    page = client.get(reverse("meetings-log-create", args=[match.pk]))
    assert page.status_code == 404
    assert "depression" not in page.content.decode()
    refused = client.post(reverse("meetings-log-create", args=[match.pk]), {"date": "2026-01-01"})
    assert refused.status_code == 404
    assert not SessionLog.objects.exists()


def test_logging_from_log_a_session_right_after_a_meeting_counts_as_that_meetings_log(
    match: Any, login: Any, mentor: Any
) -> None:
    # Tried: a meeting ended, the mentor used My mentees' "Log a session" (no meeting named) and saved. The home page
    # still said "Log the session with …" and the meeting's row "Log the session"; following that prompt then
    # logged the same session a second time (the duplicate check compared the meeting too).
    with freeze_time(at_new_york_midday()):  # the meeting, two hours ago, is on the mentor's today at any hour
        meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=2), duration_minutes=45)
        today = timezone.localdate(timezone=ZoneInfo(mentor.time_zone))
        client = login(mentor.user)
        data = {"date": str(today), "duration_minutes": 45, "notes_shared": "CV review"}

        response = client.post(_log_url(match), data, follow=True)

        assert SessionLog.objects.get().meeting == meeting
        assert "Session logged as the meeting of" in response.content.decode()
        assert "Log the session" not in client.get("/").content.decode()
        assert "Log the session" not in client.get(reverse("meetings-list")).content.decode()
        again = client.post(_log_url(match, meeting), data, follow=True)
        assert "This session was already logged; it is saved once." in again.content.decode()
        assert SessionLog.objects.count() == 1
        # The other way round: logged from the meeting's link, then the same again from "Log a session".
        SessionLog.objects.all().delete()
        assert client.post(_log_url(match, meeting), data).status_code == 302
        client.post(_log_url(match), data)
        assert SessionLog.objects.get().meeting == meeting


def test_a_log_naming_no_meeting_is_left_unattached_when_its_day_had_two_meetings_or_none_held(
    match: Any, login: Any, mentor: Any
) -> None:
    with freeze_time(at_new_york_midday()):
        today = timezone.localdate(timezone=ZoneInfo(mentor.time_zone))
        client = login(mentor.user)
        later = MeetingFactory(match=match, start=timezone.now() + timedelta(minutes=30))  # not begun: not held yet
        client.post(_log_url(match), {"date": str(today), "duration_minutes": 45, "notes_shared": "A call"})
        assert SessionLog.objects.get().meeting is None
        # Two held today: which one this log is about is for the mentor to say (from the meeting's own link).
        MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3), duration_minutes=30)
        MeetingFactory(match=match, start=timezone.now() - timedelta(hours=1), duration_minutes=30)
        client.post(_log_url(match), {"date": str(today), "duration_minutes": 30, "notes_shared": "Two today"})
        assert SessionLog.objects.get(notes_shared="Two today").meeting is None
        # A meeting proposed but never accepted, or cancelled, was not held either.
        SessionLog.objects.all().delete()
        Meeting.objects.exclude(pk=later.pk).update(status=Meeting.Status.CANCELLED)
        client.post(_log_url(match), {"date": str(today), "duration_minutes": 30, "notes_shared": "None held"})
        assert SessionLog.objects.get().meeting is None
