"""Past meetings in the meetings list and on the match page say what is done and what is still due after each:
the session log (the mentor logs it, the trainee sees that it was) and each person's own feedback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.models import Match
from meetings.models import Meeting
from tests.factories import FeedbackFactory, MeetingFactory, SessionLogFactory, TraineeProfileFactory, approved_match

pytestmark = pytest.mark.django_db


def _ago(**kwargs: Any) -> Any:
    return timezone.now() - timedelta(**kwargs)


def _row(html: str, meeting: Meeting) -> str:
    """The list item of `meeting` in a page."""
    start = html.index(f'href="/meetings/{meeting.pk}/"')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


@pytest.mark.parametrize("listing", ["/meetings/", "match"])
def test_an_ended_meeting_asks_the_mentor_for_the_log_and_each_person_for_their_own_feedback(
    match: Any, login: Any, listing: str
) -> None:
    held = MeetingFactory(match=match, start=_ago(days=2))
    url = f"/meetings/match/{match.pk}/" if listing == "match" else listing
    mentor_row = _row(login(match.mentor.user).get(url).content.decode(), held)
    assert f'href="/meetings/match/{match.pk}/log/?meeting={held.pk}"' in mentor_row
    assert f'href="/meetings/{held.pk}/feedback"' in mentor_row
    trainee_row = _row(login(match.trainee.user).get(url).content.decode(), held)
    assert "/log/" not in trainee_row  # only the mentor logs sessions
    assert "Session logged" not in trainee_row
    assert f'href="/meetings/{held.pk}/feedback"' in trainee_row

    SessionLogFactory(match=match, meeting=held)
    FeedbackFactory(meeting=held, author=match.mentor.user)
    mentor_row = _row(login(match.mentor.user).get(url).content.decode(), held)
    assert "Session logged" in mentor_row
    assert "/log/" not in mentor_row
    assert "Your feedback given" in mentor_row
    assert "/feedback" not in mentor_row
    trainee_row = _row(login(match.trainee.user).get(url).content.decode(), held)
    assert "Session logged" in trainee_row
    assert f'href="/meetings/{held.pk}/feedback"' in trainee_row  # the mentor's answer is not the trainee's


def test_meetings_that_did_not_take_place_or_are_ahead_ask_for_nothing(match: Any, login: Any) -> None:
    rows = [
        MeetingFactory(match=match, start=_ago(days=2), status=Meeting.Status.CANCELLED),
        MeetingFactory(match=match, start=_ago(days=3), status=Meeting.Status.PROPOSED),  # never accepted
        MeetingFactory(match=match, start=_ago(minutes=10)),  # under way: it has not ended
        MeetingFactory(match=match, start=timezone.now() + timedelta(days=2)),
    ]
    html = login(match.mentor.user).get("/meetings/").content.decode()
    for meeting in rows:
        row = _row(html, meeting)
        assert "Log the session" not in row
        assert "feedback" not in row.lower()


def test_a_request_that_never_began_offers_no_log_link(match: Any, login: Any) -> None:
    # A match can only have held meetings once approved; should its status say otherwise (a coordinator's data
    # repair), the page must not link to a log form that would refuse.
    held = MeetingFactory(match=match, start=_ago(days=2))
    Match.objects.filter(pk=match.pk).update(status=Match.Status.CANCELLED)
    row = _row(login(match.mentor.user).get("/meetings/").content.decode(), held)
    assert "Log the session" not in row
    assert "Give your feedback" in row


def test_after_the_match_ends_its_last_session_can_still_be_logged_from_the_list(match: Any, login: Any) -> None:
    held = MeetingFactory(match=match, start=_ago(days=2))
    Match.objects.filter(pk=match.pk).update(status=Match.Status.ENDED)
    assert "Log the session" in _row(login(match.mentor.user).get("/meetings/").content.decode(), held)


def test_the_list_costs_the_same_queries_for_one_past_meeting_or_many(mentor: Any, login: Any) -> None:
    client = login(mentor.user)
    MeetingFactory(match=approved_match(mentor=mentor), start=_ago(days=1))
    with CaptureQueriesContext(connection) as one:
        client.get("/meetings/")
    for days in range(2, 8):
        match = approved_match(mentor=mentor, trainee=TraineeProfileFactory())
        held = MeetingFactory(match=match, start=_ago(days=days))
        if days % 2:
            SessionLogFactory(match=match, meeting=held)
            FeedbackFactory(meeting=held, author=mentor.user)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/meetings/").content.decode()
    assert html.count("Log the session") == 4
    assert html.count("Session logged") == 3
    assert len(many) == len(one)
