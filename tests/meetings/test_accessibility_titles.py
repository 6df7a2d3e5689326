"""Each meeting page's tab title says which pair or which meeting it is, as its heading does, in the reader's own
time zone. Tried: every match page was "Mentorship · Mentorship" and every meeting "Meeting · Mentorship", so a
person with several tabs open (or a screen reader's list of windows) could not tell them apart; the feedback,
session log and check-in forms named neither the person nor the meeting."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.templatetags.meeting_tags import local_time
from tests.factories import MeetingFactory, SessionLogFactory

pytestmark = pytest.mark.django_db


def _title(response: Any) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL)
    assert found, response.content.decode()
    return html.unescape(found[1])


def test_the_match_page_is_titled_with_the_pair(match: Any, login: Any, mentor: Any) -> None:
    response = login(mentor.user).get(reverse("meetings-match", args=[match.pk]))

    assert _title(response) == "Dr Maya Patel and Tara Trainee · Mentorship"


def test_a_meeting_page_is_titled_with_its_time_in_each_readers_zone(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    meeting = MeetingFactory(match=match)
    for person in (mentor, trainee):  # New York and Chicago: the hour differs
        response = login(person.user).get(reverse("meetings-detail", args=[meeting.pk]))
        assert _title(response) == f"Meeting on {local_time(meeting, person.user)} · Mentorship"
    assert local_time(meeting, mentor.user) != local_time(meeting, trainee.user)


def test_the_feedback_form_is_titled_with_the_meeting(match: Any, login: Any, trainee: Any) -> None:
    meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))

    response = login(trainee.user).get(reverse("meetings-feedback", args=[meeting.pk]))

    assert _title(response) == f"How did the meeting of {local_time(meeting, trainee.user)} go? · Mentorship"


def test_the_session_log_forms_are_titled_with_the_mentee_and_the_meeting(match: Any, login: Any, mentor: Any) -> None:
    client = login(mentor.user)
    meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))

    plain = client.get(reverse("meetings-log-create", args=[match.pk]))
    assert _title(plain) == "Log a session with Tara Trainee · Mentorship"
    of_meeting = client.get(reverse("meetings-log-create", args=[match.pk]), {"meeting": meeting.pk})
    assert _title(of_meeting) == (
        f"Log a session with Tara Trainee · meeting of {local_time(meeting, mentor.user)} · Mentorship"
    )
    log = SessionLogFactory(match=match)
    edit = client.get(reverse("meetings-log-edit", args=[log.pk]))
    assert _title(edit) == "Edit the session log with Tara Trainee · Mentorship"


def test_the_check_in_is_titled_and_worded_for_whoever_reads_it(
    match: Any, login: Any, trainee: Any, mentor: Any
) -> None:
    # One sentence for both sides told the trainee of "your mentorship of Tara Trainee with Dr Maya Patel".
    as_trainee = login(trainee.user).get(reverse("meetings-checkin", args=[match.pk, 0]))
    as_mentor = login(mentor.user).get(reverse("meetings-checkin", args=[match.pk, 0]))

    assert _title(as_trainee) == "Check-in: your mentorship with Dr Maya Patel · Mentorship"
    assert "A short question about your mentorship with Dr Maya Patel." in as_trainee.content.decode()
    assert _title(as_mentor) == "Check-in: your mentorship of Tara Trainee · Mentorship"
    assert "A short question about your mentorship of Tara Trainee." in as_mentor.content.decode()
