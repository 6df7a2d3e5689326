"""What a message must carry for its reader to act on it: a moved meeting's new length, format and place; the
other person's e-mail address once the match is approved (and nobody's before)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from matching.models import Match
from matching.services.decisions import match_approve
from matching.services.requests import match_request
from meetings import services
from notifications.models import Notification
from notifications.rendering import render_email
from tests.factories import MatchFactory, ProgramFactory, video_meeting_proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator])


def _start(days: int) -> Any:
    return (timezone.now() + timedelta(days=days)).replace(hour=15, minute=0, second=0, microsecond=0)


def test_a_moved_meeting_s_email_gives_its_new_length_and_format(mentor: Any, trainee: Any) -> None:
    # Before: "Dr Maya Patel moved your meeting to Fri 4 Dec 2026, 12:00 (America/Chicago)." and no word of the
    # length the move changed.
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=_start(3))
    services.meeting_accept(meeting=meeting, by=mentor.user)
    services.meeting_reschedule(meeting=meeting, by=mentor.user, start=_start(4), duration_minutes=90)
    moved = render_email(Notification.objects.get(kind="meeting_rescheduled", recipient=trainee.user))
    for part in (moved.text, moved.html):
        assert "Dr Maya Patel moved your meeting to" in part
        assert "(90 minutes, video: https://video.example.org/room/7)" in part
        assert "30 minutes" not in part


def test_a_suggested_time_s_email_gives_its_length_and_format(mentor: Any, trainee: Any) -> None:
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=_start(3))
    services.meeting_suggest_time(meeting=meeting, by=mentor.user, start=_start(4), duration_minutes=90)
    suggested = render_email(Notification.objects.get(kind="meeting_time_suggested", recipient=trainee.user))
    for part in (suggested.text, suggested.html):
        assert "Dr Maya Patel suggests meeting on" in part
        assert "(90 minutes, video: https://video.example.org/room/7) instead." in part


def test_the_approval_gives_each_the_other_s_address_and_no_message_before_it_does(
    program: Any, coordinator: Any, mentor: Any, trainee: Any
) -> None:
    match = match_request(trainee=trainee, mentor=mentor, program=program, message="Could we talk about research?")
    before = [render_email(n) for n in Notification.objects.all()]
    assert before  # the request, to the mentor (and the coordinators)
    match_approve(match=match, by=coordinator)
    to_trainee = render_email(Notification.objects.get(kind="match_approved", recipient=trainee.user))
    to_mentor = render_email(Notification.objects.get(kind="match_approved", recipient=mentor.user))
    assert "you can also write first. Their e-mail address: maya@example.org" in to_trainee.text
    assert 'href="mailto:maya@example.org"' in to_trainee.html
    assert "Their e-mail address: tara@example.org" in to_mentor.text
    assert 'href="mailto:tara@example.org"' in to_mentor.html
    for email in (to_trainee, to_mentor):
        assert (trainee.user.email in email.text) != (mentor.user.email in email.text)  # the other's, not their own
    for email in before:
        for address in (mentor.user.email, trainee.user.email):
            assert address not in email.text + email.html + email.subject


def test_an_approval_message_read_after_the_match_was_cancelled_gives_no_address(
    program: Any, coordinator: Any, mentor: Any, trainee: Any
) -> None:
    match = match_approve(match=MatchFactory(program=program, mentor=mentor, trainee=trainee), by=coordinator)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.CANCELLED)
    email = render_email(Notification.objects.get(kind="match_approved", recipient=trainee.user))
    assert mentor.user.email not in email.text + email.html


def test_the_person_who_accepts_a_meeting_gets_the_confirmed_invitation_too(mentor: Any, trainee: Any) -> None:
    # Before: only the proposer heard "Meeting confirmed"; the one who accepted kept the proposal's tentative
    # invitation in their calendar unless they downloaded the .ics from the page.
    meeting = video_meeting_proposed(mentor, trainee, by=trainee.user, start=_start(3))
    services.meeting_accept(meeting=meeting, by=mentor.user)

    told = {n.recipient: render_email(n) for n in Notification.objects.filter(kind="meeting_accepted")}

    assert set(told) == {mentor.user, trainee.user}
    for part in (told[mentor.user].text, told[mentor.user].html):
        assert "You accepted the meeting Tara Trainee proposed, on" in part
    for part in (told[trainee.user].text, told[trainee.user].html):
        assert "Dr Maya Patel accepted the meeting on" in part
