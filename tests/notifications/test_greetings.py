"""E-mails and the home page greet people by their first name, not by the title many physicians put first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from notifications.rendering import render_email
from tests.factories import MeetingFactory, NotificationFactory, approved_match

pytestmark = pytest.mark.django_db


def test_a_mentor_named_dr_maya_patel_is_greeted_as_maya(mentor: Any, trainee: Any, login: Any) -> None:
    meeting = MeetingFactory(match=approved_match(mentor=mentor, trainee=trainee), start=timezone.now() + timedelta(1))
    row = NotificationFactory(
        kind="meeting_accepted", recipient=mentor.user, object_type="meeting", object_id=meeting.pk
    )
    assert render_email(row).text.startswith("Hello Maya,")
    assert "Welcome, Maya." in login(mentor.user).get("/").content.decode()


@pytest.mark.parametrize(
    ("full_name", "short"),
    [("Prof. Ada Obi", "Ada"), ("DR. Lee", "Lee"), ("Dr", "Dr"), ("Drew Carter", "Drew"), ("  Sam  Rivera", "Sam")],
)
def test_only_a_leading_title_is_skipped(full_name: str, short: str, mentor: Any) -> None:
    mentor.user.full_name = full_name
    assert mentor.user.get_short_name() == short
