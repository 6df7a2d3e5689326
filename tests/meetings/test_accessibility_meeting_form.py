"""Proposing a meeting checks only the detail the chosen format uses: a link typed for video and left behind when the
person switched to in person is neither a reason to refuse the form nor saved with the meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.forms import MeetingProposeForm
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _proposal(**details: str) -> dict[str, Any]:
    day = (timezone.now() + timedelta(days=3)).date()
    return {"start": f"{day}T10:00", "duration_minutes": 45, "agenda": "", **details}


def test_a_bad_video_link_left_behind_does_not_refuse_an_in_person_proposal_and_is_not_kept() -> None:
    # Tried: Video, "zoom meeting 123" as the link, then In person and a place: refused with "Enter a valid URL."
    # inside the Video link field the page hides, so the person saw no error and every retry was refused.
    form = MeetingProposeForm(_proposal(format="in_person", place="Room 4", video_link="zoom meeting 123", phone="x"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == "Room 4"
    assert form.cleaned_data["video_link"] == ""
    assert form.cleaned_data["phone"] == ""


def test_a_place_too_long_for_the_field_does_not_refuse_a_phone_meeting() -> None:
    form = MeetingProposeForm(_proposal(format="phone", phone="+1 555 010 0100", place="x" * 500))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == ""


def test_the_video_link_is_still_checked_when_video_is_chosen() -> None:
    form = MeetingProposeForm(_proposal(format="video", video_link="zoom meeting 123", place="Room 4"))

    assert not form.is_valid()
    assert list(form.errors) == ["video_link"]
    assert form.errors["video_link"] == ["Enter a valid URL."]


def test_an_unknown_format_keeps_every_detail_check() -> None:
    form = MeetingProposeForm(_proposal(format="carrier_pigeon", video_link="zoom meeting 123"))

    assert not form.is_valid()
    assert {"format", "video_link"} <= set(form.errors)


def test_the_in_person_meeting_is_saved_without_the_link_left_behind(match: Any, login: Any, mentor: Any) -> None:
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        _proposal(format="in_person", place="Room 4", video_link="zoom meeting 123"),
    )

    assert response.status_code == 302, response.content.decode()
    meeting = Meeting.objects.get()
    assert (meeting.format, meeting.place, meeting.video_link) == ("in_person", "Room 4", "")
