"""What a meeting's page offers once its time has come: nothing the services would only refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from matching.models import Match
from meetings.models import CheckIn, Meeting
from tests.factories import MeetingFactory, approved_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(match: Any, mentor: Any) -> Meeting:
    """The mentor's proposal, two days ago, that nobody accepted."""
    return MeetingFactory(
        match=match, start=timezone.now() - timedelta(days=2), status=Meeting.Status.PROPOSED, proposed_by=mentor.user
    )


def test_a_meeting_under_way_offers_no_move_cancel_or_accept(match: Any, login: Any, mentor: Any, trainee: Any) -> None:
    started = MeetingFactory(match=match, start=timezone.now() - timedelta(minutes=10))
    html = login(mentor.user).get(reverse("meetings-detail", args=[started.pk])).content.decode()
    assert "Move it" not in html
    assert "Cancel the meeting" not in html
    assert "Under way: it ends at" in html
    assert "Feedback and the session log open here then." in html

    # A proposal whose time has come can no longer be accepted: the service refuses a start in the past.
    unanswered = MeetingFactory(
        match=match,
        start=timezone.now() - timedelta(minutes=5),
        status=Meeting.Status.PROPOSED,
        proposed_by=mentor.user,
        duration_minutes=30,
    )
    html = login(trainee.user).get(reverse("meetings-detail", args=[unanswered.pk])).content.decode()
    assert "Accept this time" not in html
    assert "Suggest another time" not in html


def test_a_proposal_whose_time_passed_unanswered_says_so_instead_of_waiting(
    lapsed: Meeting, login: Any, trainee: Any
) -> None:
    client = login(trainee.user)
    html = client.get(reverse("meetings-detail", args=[lapsed.pk])).content.decode()
    assert "waiting for an answer" not in html
    assert "not accepted before its time: it did not take place" in html
    listed = client.get(reverse("meetings-list")).content.decode()
    assert ">Not accepted</span>" in listed
    assert ">Proposed</span>" not in listed


def test_the_propose_and_move_forms_say_at_once_when_nothing_can_be_arranged(
    match: Any, login: Any, mentor: Any
) -> None:
    meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(minutes=10))
    client = login(mentor.user)
    # Opened from an old tab or a bookmark once the meeting has begun: no form to fill in for nothing.
    for name, refusal in (("meetings-reschedule", "already started"), ("meetings-suggest", "counter-proposal")):
        html = client.get(reverse(name, args=[meeting.pk])).content.decode()
        assert refusal in html
        assert 'name="start"' not in html

    match.status, match.ended_at = Match.Status.ENDED, timezone.now()
    match.save(update_fields=["status", "ended_at"])
    html = client.get(reverse("meetings-propose", args=[match.pk])).content.decode()
    assert "this one is ended" in html
    assert 'name="start"' not in html


def test_feedback_on_a_meeting_that_never_took_place_says_so_rather_than_to_wait(
    match: Any, login: Any, trainee: Any
) -> None:
    cancelled = MeetingFactory(match=match, start=timezone.now() - timedelta(days=1), status=Meeting.Status.CANCELLED)
    lapsed = MeetingFactory(match=match, start=timezone.now() - timedelta(days=2), status=Meeting.Status.PROPOSED)
    coming = MeetingFactory(match=match, start=timezone.now() + timedelta(days=2))
    client = login(trainee.user)
    for meeting, refusal in (
        (cancelled, "This meeting was cancelled, so there is no feedback to give."),
        (lapsed, "This meeting was never accepted, so it did not take place"),
        (coming, "Feedback opens when an accepted meeting has ended."),
    ):
        html = client.get(reverse("meetings-feedback", args=[meeting.pk])).content.decode()
        assert refusal in html


def test_the_move_form_starts_from_the_meetings_time_in_my_zone(match: Any, login: Any, trainee: Any) -> None:
    start = (timezone.now() + timedelta(days=4)).replace(hour=15, minute=30, second=0, microsecond=0)
    meeting = MeetingFactory(match=match, start=start, duration_minutes=60)
    html = login(trainee.user).get(reverse("meetings-reschedule", args=[meeting.pk])).content.decode()
    local = start.astimezone(ZoneInfo("America/Chicago"))
    assert f'value="{local:%Y-%m-%dT%H:%M}"' in html
    assert 'value="60"' in html


def test_a_bad_time_or_length_is_refused_with_what_to_enter(match: Any, login: Any, mentor: Any) -> None:
    client = login(mentor.user)
    for data, told in (
        ({"start": "", "duration_minutes": 45}, "Choose the day and the time the meeting starts."),
        ({"start": "next Tuesday", "duration_minutes": 45}, "Enter the date and time as 2026-12-03 14:30."),
        ({"start": "2030-01-01T10:00", "duration_minutes": 0}, "A meeting lasts 5 to 480 minutes (8 hours)."),
        ({"start": "2030-01-01T10:00", "duration_minutes": 600}, "A meeting lasts 5 to 480 minutes (8 hours)."),
    ):
        data |= {"format": "video", "video_link": "https://video.example.org/a"}
        response = client.post(reverse("meetings-propose", args=[match.pk]), data)
        assert response.status_code == 400
        assert told in response.content.decode()
    response = client.post(reverse("meetings-log-create", args=[match.pk]), {"date": "", "duration_minutes": 900})
    html = response.content.decode()
    assert "Give the day of the session." in html
    assert "A session lasts 5 to 480 minutes (8 hours)." in html
    assert not Meeting.objects.exists()


def test_an_ended_match_page_says_when_it_ended_and_what_is_still_possible(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    match.status, match.ended_at = Match.Status.ENDED, timezone.now() - timedelta(days=3)
    match.save(update_fields=["status", "ended_at"])
    for person in (mentor, trainee):
        html = login(person.user).get(reverse("meetings-match", args=[match.pk])).content.decode()
        ended_on = timezone.localdate(match.ended_at, timezone=ZoneInfo(person.time_zone))
        assert f"This mentorship ended on {ended_on:%-d %b %Y}" in html
        assert "Propose a meeting" not in html


@freeze_time(datetime(2026, 12, 1, 15, 5, tzinfo=UTC))
def test_a_proposal_nobody_accepted_in_time_does_not_block_its_slot(mentor: Any, trainee: Any, login: Any) -> None:
    # The clock is held at 10:05 in New York: in the hour New York's clocks repeat, "25 minutes from now" was a
    # time that happens twice, and refused as such.
    match = approved_match(mentor=mentor, trainee=trainee)
    # Proposed for 10:00 and not accepted; at 10:05 the mentor proposes 10:30 instead, within the old slot.
    MeetingFactory(
        match=match,
        start=timezone.now() - timedelta(minutes=5),
        duration_minutes=60,
        status=Meeting.Status.PROPOSED,
        proposed_by=mentor.user,
    )
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {"start": "2026-12-01T10:30", "duration_minutes": 30, "format": "phone", "phone": "+1 555 0100"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Meeting.objects.filter(status=Meeting.Status.PROPOSED).count() == 2


def test_the_other_persons_proposal_is_declined_not_cancelled(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    proposal = MeetingFactory(match=match, status=Meeting.Status.PROPOSED, proposed_by=mentor.user)
    client = login(trainee.user)
    html = client.get(reverse("meetings-detail", args=[proposal.pk])).content.decode()
    assert "Decline this time</button>" in html
    assert "Reason for declining (shown to the other person)" in html
    assert "Cancel the meeting" not in html

    form = {"reason": "On nights", "sequence": proposal.sequence}
    response = client.post(reverse("meetings-cancel", args=[proposal.pk]), form, follow=True)
    assert "Proposal declined: Dr Maya Patel is told." in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cancel_reason) == (Meeting.Status.CANCELLED, "On nights")

    # The mentor's own proposal is hers to cancel (withdraw).
    own = MeetingFactory(match=match, status=Meeting.Status.PROPOSED, proposed_by=mentor.user)
    html = login(mentor.user).get(reverse("meetings-detail", args=[own.pk])).content.decode()
    assert "Cancel the meeting</button>" in html


def test_feedback_sent_unanswered_says_what_to_choose(match: Any, login: Any, trainee: Any) -> None:
    held = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))
    # What a browser sends with nothing chosen: the empty text boxes.
    unanswered = {"went_well": "", "to_change": ""}
    html = login(trainee.user).post(reverse("meetings-feedback", args=[held.pk]), unanswered).content.decode()
    assert "Choose a rating from 1 (poor) to 5 (excellent)." in html
    assert "Say whether the meeting was useful." in html
    assert "Say whether this is a good fit." in html
    assert "This field is required." not in html


def test_a_check_in_sent_unanswered_says_what_to_choose_and_saves_nothing(
    login: Any, mentor: Any, trainee: Any
) -> None:
    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    response = login(trainee.user).post(reverse("meetings-checkin", args=[match.pk, 0]), {"comment": ""})
    assert "Choose from 1 (not at all) to 5 (very well)." in response.content.decode()
    assert "This field is required." not in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_proposal_that_lapsed_offers_a_calendar_cancellation_not_an_invitation(
    lapsed: Meeting, match: Any, login: Any, trainee: Any
) -> None:
    # Tried: the page of a proposal nobody accepted offered "Add to calendar (.ics)", and the file was a
    # TENTATIVE invitation to a meeting that did not take place; a calendar holding it kept it.
    client = login(trainee.user)
    html = client.get(reverse("meetings-detail", args=[lapsed.pk])).content.decode()
    assert "Add to calendar" not in html
    assert "Remove from calendar (.ics)" in html
    body = client.get(reverse("meetings-ics", args=[lapsed.pk])).content.decode()
    assert "METHOD:CANCEL" in body
    assert "STATUS:CANCELLED" in body
    assert f"SEQUENCE:{lapsed.sequence + 1}" in body  # later than the invitation a calendar may hold
    cancelled = MeetingFactory(match=match, start=timezone.now() + timedelta(days=2), status=Meeting.Status.CANCELLED)
    html = client.get(reverse("meetings-detail", args=[cancelled.pk])).content.decode()
    assert "Remove from calendar (.ics)" in html
    coming = MeetingFactory(match=match, start=timezone.now() + timedelta(days=3))
    assert "Add to calendar (.ics)" in client.get(reverse("meetings-detail", args=[coming.pk])).content.decode()
