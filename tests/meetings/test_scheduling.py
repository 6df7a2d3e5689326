"""Proposing, accepting, moving and cancelling meetings, and the reminder rows each writes."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from matching.models import Match
from meetings import services
from meetings.errors import MatchNotApproved, MeetingInPast, MeetingOverlap, MeetingStateConflict, NotInMatch
from meetings.models import Meeting
from mentorship.errors import ApplicationError
from notifications.models import Notification
from tests.factories import MeetingFactory, approved_match

pytestmark = pytest.mark.django_db
State = Notification.State


def in_days(days: float, hour: int = 15) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def propose(match: Any, by: Any, start: datetime, **kw: Any) -> Meeting:
    return services.meeting_propose(
        match=match,
        by=by,
        start=start,
        duration_minutes=kw.pop("duration_minutes", 45),
        format=kw.pop("format", "video"),
        video_link=kw.pop("video_link", "https://meet.example.org/x"),
        **kw,
    )


def pending(meeting: Meeting, kind: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(object_type="meeting", object_id=meeting.pk, state=State.PENDING)
    return list(rows.filter(kind=kind) if kind else rows)


def test_a_mentor_proposes_and_only_the_trainee_is_told(match: Any, mentor: Any, trainee: Any) -> None:
    meeting = propose(match, mentor.user, in_days(3))
    assert meeting.status == Meeting.Status.PROPOSED
    assert meeting.proposed_by == mentor.user
    rows = pending(meeting)
    assert [(r.kind, r.recipient) for r in rows] == [("meeting_proposed", trainee.user)]


def test_a_time_typed_in_new_york_is_stored_in_utc_and_shown_in_chicago_to_the_trainee(
    match: Any, mentor: Any, trainee: Any
) -> None:
    from meetings.people import local_to_utc, time_zone_for
    from meetings.templatetags.meeting_tags import local_time

    start_ny = (timezone.now() + timedelta(days=10)).replace(tzinfo=None, hour=9, minute=0, second=0, microsecond=0)
    start = local_to_utc(start_ny, time_zone_for(match, mentor.user))
    meeting = propose(match, mentor.user, start)
    expected_utc = start_ny.replace(tzinfo=zoneinfo.ZoneInfo("America/New_York")).astimezone(zoneinfo.ZoneInfo("UTC"))
    assert meeting.start == expected_utc
    assert "09:00 (America/New_York)" in local_time(meeting, mentor.user)
    assert "08:00 (America/Chicago)" in local_time(meeting, trainee.user)


def test_accepting_writes_reminders_at_each_lead_time_and_prompts_after_it(
    match: Any, mentor: Any, trainee: Any
) -> None:
    meeting = propose(match, mentor.user, in_days(3))
    services.meeting_accept(meeting=meeting, by=trainee.user)
    reminders = pending(meeting, "meeting_reminder")
    assert sorted((r.recipient.pk, r.due_at) for r in reminders) == sorted(
        (u.pk, meeting.start - timedelta(hours=h)) for u in (mentor.user, trainee.user) for h in (24, 1)
    )
    assert {r.recipient for r in pending(meeting, "meeting_feedback_prompt")} == {mentor.user, trainee.user}
    assert [r.recipient for r in pending(meeting, "session_log_prompt")] == [mentor.user]
    assert all(r.due_at == meeting.end for r in pending(meeting, "meeting_feedback_prompt"))
    # Both: the proposer hears it was accepted; the one who accepted gets the confirmed invitation for their calendar,
    # which held only the proposal's tentative one (before, only the proposer was told).
    assert {r.recipient for r in pending(meeting, "meeting_accepted")} == {mentor.user, trainee.user}


def test_a_lead_time_already_past_gets_no_reminder(match: Any, mentor: Any, trainee: Any) -> None:
    meeting = propose(match, mentor.user, timezone.now() + timedelta(hours=5))
    services.meeting_accept(meeting=meeting, by=trainee.user)
    assert {r.context["lead_hours"] for r in pending(meeting, "meeting_reminder")} == {1}


def test_moving_an_accepted_meeting_cancels_the_old_reminders_and_writes_new_ones(
    match: Any, mentor: Any, trainee: Any
) -> None:
    meeting = propose(match, mentor.user, in_days(3))
    services.meeting_accept(meeting=meeting, by=trainee.user)
    old = {r.pk for r in pending(meeting, "meeting_reminder")}
    moved = services.meeting_reschedule(meeting=meeting, by=trainee.user, start=in_days(5))
    assert moved.status == Meeting.Status.ACCEPTED
    assert moved.sequence == 1
    assert Notification.objects.filter(pk__in=old, state=State.CANCELLED).count() == 4
    new = pending(meeting, "meeting_reminder")
    assert len(new) == 4
    assert {r.due_at for r in new} == {
        moved.start - timedelta(hours=24),
        moved.start - timedelta(hours=1),
    }
    assert [r.recipient for r in pending(meeting, "meeting_rescheduled")] == [mentor.user]


def test_cancelling_cancels_every_pending_reminder_and_tells_the_other(match: Any, mentor: Any, trainee: Any) -> None:
    meeting = propose(match, mentor.user, in_days(3))
    services.meeting_accept(meeting=meeting, by=trainee.user)
    services.meeting_cancel(meeting=meeting, by=mentor.user, reason="Clinic overran")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1
    # The trainee is told; the mentor gets the cancellation for his own calendar by e-mail only.
    assert sorted((r.kind, r.recipient.pk, r.in_app) for r in pending(meeting)) == sorted(
        [("meeting_cancelled", trainee.user.pk, True), ("meeting_cancelled", mentor.user.pk, False)]
    )


def test_suggesting_another_time_makes_it_a_counter_proposal_the_mentor_accepts(
    match: Any, mentor: Any, trainee: Any
) -> None:
    meeting = propose(match, mentor.user, in_days(3))
    services.meeting_suggest_time(meeting=meeting, by=trainee.user, start=in_days(4))
    meeting.refresh_from_db()
    assert meeting.proposed_by == trainee.user
    assert meeting.status == Meeting.Status.PROPOSED
    with pytest.raises(MeetingStateConflict):
        services.meeting_accept(meeting=meeting, by=trainee.user)
    services.meeting_accept(meeting=meeting, by=mentor.user)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.ACCEPTED


def test_the_proposer_cannot_suggest_a_time_to_themself(match: Any, mentor: Any) -> None:
    meeting = propose(match, mentor.user, in_days(3))
    with pytest.raises(MeetingStateConflict):
        services.meeting_suggest_time(meeting=meeting, by=mentor.user, start=in_days(4))


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("in the past", MeetingInPast),
        ("match not approved", MatchNotApproved),
        ("outsider proposes", NotInMatch),
        ("overlaps the mentor's other meeting", MeetingOverlap),
        ("video without a link", ApplicationError),
        ("ten hours long", ApplicationError),
    ],
)
def test_a_bad_proposal_is_refused_and_nothing_is_saved(
    case: str, error: type[Exception], match: Any, mentor: Any, outsider: Any
) -> None:
    other_match = approved_match(mentor=mentor)
    MeetingFactory(match=other_match, start=in_days(3) + timedelta(minutes=30))
    kwargs: dict[str, Any] = {"match": match, "by": mentor.user, "start": in_days(8)}
    if case == "in the past":
        kwargs["start"] = timezone.now() - timedelta(minutes=5)
    elif case == "match not approved":
        Match.objects.filter(pk=match.pk).update(status=Match.Status.ENDED)
    elif case == "outsider proposes":
        kwargs["by"] = outsider.user
    elif case == "overlaps the mentor's other meeting":
        kwargs["start"] = in_days(3)
    elif case == "video without a link":
        kwargs["video_link"] = ""
    elif case == "ten hours long":
        kwargs["duration_minutes"] = 600
    meetings_before, rows_before = Meeting.objects.count(), Notification.objects.count()
    with pytest.raises(error) as refused:
        propose(**kwargs)
    assert refused.value.message  # type: ignore[attr-defined]
    assert (Meeting.objects.count(), Notification.objects.count()) == (meetings_before, rows_before)


def test_overlap_with_the_trainees_other_meeting_is_refused_too(match: Any, mentor: Any, trainee: Any) -> None:
    MeetingFactory(
        match=approved_match(trainee=trainee, program=match.program.__class__.objects.create(name="Other")),
        start=in_days(3),
    )
    with pytest.raises(MeetingOverlap, match="Tara Trainee"):
        propose(match, mentor.user, in_days(3) + timedelta(minutes=20))


def test_back_to_back_meetings_do_not_overlap(match: Any, mentor: Any) -> None:
    first = propose(match, mentor.user, in_days(3), duration_minutes=60)
    second = propose(match, mentor.user, first.end)
    assert second.pk


def test_a_cancelled_meeting_frees_its_slot(match: Any, mentor: Any) -> None:
    first = propose(match, mentor.user, in_days(3))
    services.meeting_cancel(meeting=first, by=mentor.user)
    assert propose(match, mentor.user, in_days(3)).pk


def test_an_outsider_cannot_accept_cancel_or_move(match: Any, mentor: Any, outsider: Any) -> None:
    meeting = propose(match, mentor.user, in_days(3))
    for action in (
        lambda: services.meeting_accept(meeting=meeting, by=outsider.user),
        lambda: services.meeting_cancel(meeting=meeting, by=outsider.user),
        lambda: services.meeting_reschedule(meeting=meeting, by=outsider.user, start=in_days(4)),
    ):
        with pytest.raises(NotInMatch):
            action()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (Meeting.Status.PROPOSED, 0)


def test_a_meeting_that_has_started_cannot_be_cancelled_or_accepted(match: Any, mentor: Any, trainee: Any) -> None:
    meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(minutes=10), status=Meeting.Status.PROPOSED)
    with pytest.raises(MeetingInPast):
        services.meeting_accept(meeting=meeting, by=trainee.user)
    with pytest.raises(MeetingStateConflict):
        services.meeting_cancel(meeting=meeting, by=trainee.user)


def test_writing_the_same_reminders_twice_creates_no_duplicates(match: Any, mentor: Any, trainee: Any) -> None:
    from meetings.services.reminders import meeting_followups_write

    meeting = propose(match, mentor.user, in_days(3))
    services.meeting_accept(meeting=meeting, by=trainee.user)
    before = Notification.objects.count()
    meeting_followups_write(meeting=meeting)
    assert Notification.objects.count() == before


def test_a_phone_meeting_saved_before_the_number_rule_can_still_be_moved(match: Any, mentor: Any) -> None:
    # The number is checked when a phone meeting is proposed; moving one saved with "WhatsApp me" was refused with an
    # error on a field the move form does not have.
    old = MeetingFactory(match=match, start=in_days(3), format="phone", phone="WhatsApp me", status="accepted")
    moved = services.meeting_reschedule(meeting=old, by=mentor.user, start=in_days(4))
    assert (moved.start, moved.phone) == (in_days(4), "WhatsApp me")
