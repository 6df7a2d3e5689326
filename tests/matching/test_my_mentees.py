"""The mentor's *My mentees* after a mentorship ends: its meetings and session notes stay one click away."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from tests.factories import approved_match

pytestmark = pytest.mark.django_db


def test_an_ended_mentorship_is_listed_under_past_mentees_with_its_notes(
    login: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    ended = approved_match(mentor=mentor, trainee=trainee)
    ended.status, ended.ended_at, ended.end_reason = Match.Status.ENDED, timezone.now() - timedelta(days=3), "Moved"
    ended.save(update_fields=["status", "ended_at", "end_reason"])
    approved_match(mentor=mentor, trainee=outsider)

    html = login(mentor.user).get(reverse("matching-my-mentees")).content.decode()
    current, past = html.split("Past mentees")
    assert "Oscar Outsider" in current
    assert "Tara Trainee" not in current
    assert "Tara Trainee" in past
    assert f"ended {ended.ended_at:%-d %b %Y}" in past
    assert reverse("meetings-match", args=[ended.pk]) in past
    # The trainee's address was shared for the mentorship, not beyond it.
    assert "tara@example.org" not in past
    assert "1 of" in current  # the ended mentorship frees its place
