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
    assert f"ended {ended.ended_at.astimezone(mentor.zone()):%-d %b %Y}" in past  # the day in the mentor's zone
    assert reverse("meetings-match", args=[ended.pk]) in past
    # The trainee's address was shared for the mentorship, not beyond it.
    assert "tara@example.org" not in past
    assert "1 of" in current  # the ended mentorship frees its place


def test_the_day_a_mentorship_ended_is_the_day_in_each_persons_zone(login: Any, mentor: Any, trainee: Any) -> None:
    # Tried: a mentorship ended at 8:30 pm on 5 March in New York (01:30 UTC on 6 March) read "ended 6 Mar 2026"
    # on My mentees and on the trainee's My mentorship: the day in UTC, not the reader's.
    from datetime import UTC, datetime

    mentor.time_zone = trainee.time_zone = "America/New_York"
    mentor.save()
    trainee.save()
    ended = approved_match(mentor=mentor, trainee=trainee)
    ended.status, ended.ended_at = Match.Status.ENDED, datetime(2026, 3, 6, 1, 30, tzinfo=UTC)
    ended.save(update_fields=["status", "ended_at"])

    past = login(mentor.user).get(reverse("matching-my-mentees")).content.decode().split("Past mentees")[1]
    assert "ended 5 Mar 2026" in past
    mine = login(trainee.user).get(reverse("matching-my-mentorship")).content.decode()
    assert "ended 5 Mar 2026" in mine.split("Past mentorships")[1]


def test_a_trainees_whole_request_message_and_statement_can_be_read(
    login: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    # Tried: a request message of 1,900 characters and a statement of 3,900 (both within their limits) read
    # "… " after 80 words on My mentees, and the mentor could read the rest nowhere before deciding.
    from tests.factories import MatchFactory

    paragraph = "I would like help planning research time around night shifts and clinic weeks. " * 6
    trainee.statement = (paragraph.strip() + "\n\n") * 7 + "STATEMENT-END"
    trainee.save()
    assert len(trainee.statement) <= 4000
    message = (paragraph.strip() + "\n") * 3 + "MESSAGE-END"
    assert len(message) <= 2000
    MatchFactory(mentor=mentor, trainee=trainee, status=Match.Status.REQUESTED, origin="request", message=message)
    outsider.statement = "Short and\nsweet."
    outsider.save()
    approved_match(mentor=mentor, trainee=outsider)

    html = login(mentor.user).get(reverse("matching-my-mentees")).content.decode()

    current, pending = html.split("Awaiting a coordinator")
    assert "STATEMENT-END" in pending  # the whole statement …
    assert "MESSAGE-END" in pending  # … and the whole message
    assert "night shifts and clinic weeks.<br>" in pending  # with the trainee's line breaks
    # Folded, so a long text does not bury the rest of the list: the first 60 words, and "Read all" opens the whole.
    assert pending.count('<span class="fold-more">Read all of their') == 2
    assert "Short and<br>sweet." in current  # a short one is shown whole, not folded
    assert "<summary>" not in current
