"""The inbox keeps each meeting message as it was sent: a proposal moved later still reads the time proposed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from tests.factories import approved_match

pytestmark = pytest.mark.django_db


def test_a_moved_meetings_earlier_messages_keep_the_time_they_were_about(mentor: Any, trainee: Any, login: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    start = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    meeting = services.meeting_propose(
        match=match, by=mentor.user, start=start, duration_minutes=45, format="phone", phone="+1 555 0100"
    )
    services.meeting_accept(meeting=meeting, by=trainee.user)
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=start + timedelta(hours=2))

    html = login(trainee.user).get(reverse("notifications-inbox")).content.decode()
    proposed, moved = (t.astimezone(ZoneInfo("America/Chicago")) for t in (start, start + timedelta(hours=2)))
    assert f"proposes a meeting on {proposed:%a %-d %b %Y, %H:%M} (America/Chicago)" in html
    assert f"Meeting moved to {moved:%a %-d %b %Y, %H:%M} (America/Chicago)" in html
