"""*My meetings* shows every upcoming meeting and the past ones a page at a time.

Before: every meeting a person ever had, on one page — 2,812 for a mentor of five years took 728 ms and 1.3 MB."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.selectors.meetings import PAST_PER_PAGE
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _past(match: Any, count: int) -> list[Meeting]:
    now = timezone.now()
    return [MeetingFactory(match=match, start=now - timedelta(days=2 * (i + 1))) for i in range(count)]


def _page(client: Any, page: object = None) -> Any:
    return client.get(reverse("meetings-list"), {} if page is None else {"page": page}).context


def test_past_meetings_come_a_page_at_a_time_most_recent_first_and_upcoming_ones_all(login, mentor, match) -> None:
    now = timezone.now()
    past = _past(match, PAST_PER_PAGE * 2 + 5)  # most recent first, as made
    under_way = MeetingFactory(match=match, start=now - timedelta(minutes=10), duration_minutes=60)
    ended_lately = MeetingFactory(match=match, start=now - timedelta(minutes=50), duration_minutes=30)
    upcoming = [MeetingFactory(match=match, start=now + timedelta(days=d)) for d in (1, 2)]
    client = login(mentor.user)

    first = _page(client)
    assert first["upcoming"] == [under_way, *upcoming]  # a meeting under way is still on the list to join
    assert list(first["past"]) == [ended_lately, *past[: PAST_PER_PAGE - 1]]
    html = client.get(reverse("meetings-list")).content.decode()
    assert "Page 1 of 3" in html
    assert 'href="?page=2#past">Older</a>' in html

    last = _page(client, 3)
    assert list(last["past"]) == past[-6:]
    assert _page(client, 99)["past"].number == 3  # past the end: the last page, as the inbox does
    assert _page(client, "x")["past"].number == 1


def test_a_cancelled_meeting_and_a_lapsed_proposal_are_past_and_the_query_count_does_not_grow(
    login, mentor, match
) -> None:
    now = timezone.now()
    cancelled = MeetingFactory(match=match, start=now + timedelta(days=3), status=Meeting.Status.CANCELLED)
    lapsed = MeetingFactory(match=match, start=now - timedelta(days=1), status=Meeting.Status.PROPOSED)
    client = login(mentor.user)

    context = _page(client)
    assert context["upcoming"] == []
    assert set(context["past"]) == {cancelled, lapsed}

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("meetings-list"))
    _past(match, 60)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("meetings-list"))
    assert len(many) == len(few)


def test_someone_else_sees_none_of_these_meetings(login, outsider, match) -> None:
    _past(match, 3)
    context = _page(login(outsider.user))
    assert (context["upcoming"], list(context["past"])) == ([], [])
