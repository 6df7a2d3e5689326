"""Dates read the same everywhere: "30 Nov 2026", "30 Nov 2026, 14:05" (the review found four formats)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MatchFactory, NotificationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_the_admin_the_enrol_page_and_the_inbox_write_dates_one_way(login: Any, coordinator: Any, trainee: Any) -> None:
    from matching.coordination.roster import parse_roster
    from matching.services.enrolment import program_enrol

    program = ProgramFactory(coordinators=[coordinator])
    MatchFactory(program=program)
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    today = timezone.localdate()
    enrol = login(coordinator).get(reverse("admin:matching_program_enrol", args=[program.pk])).content.decode()
    assert f"<td>{today:%-d %b %Y} by" in enrol  # not 11/30/2026
    due = timezone.make_aware(datetime(2026, 11, 30, 14, 5)) - timedelta(days=1)
    NotificationFactory(recipient=trainee.user, in_app=True, due_at=due)
    inbox = login(trainee.user).get(reverse("notifications-inbox")).content.decode()
    assert "29 Nov 2026, " in inbox  # not "Nov 29, 2026"
