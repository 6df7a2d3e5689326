"""Two people in different time zones arrange a meeting: each reads its time in their own zone on the pages, in
the e-mails, in the inbox and in the .ics, and the reminders come at the moments the README promises, across the
nights the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from freezegun import freeze_time

from meetings import services
from meetings.models import Meeting
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def send_due() -> None:
    notifications_dispatch_due(enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim))


def emails_to(address: str) -> list[Any]:
    return [email for email in mail.outbox if email.to == [address]]


def propose_on_page(client: Any, match: Any, start: str) -> Any:
    return client.post(
        f"/meetings/new/{match.pk}/",
        {"start": start, "duration_minutes": 45, "format": "video", "video_link": "https://v.example.org/1"},
    )


@freeze_time(NOW)
def test_a_time_proposed_in_london_reads_in_los_angeles_time_on_the_page_in_the_email_and_the_inbox(
    london_la: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    response = propose_on_page(login(mentor.user), london_la, "2026-12-03T09:00")
    assert response.status_code == 302, response.content.decode()
    meeting = Meeting.objects.get()
    assert meeting.start == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    send_due()
    (proposal,) = emails_to("tara@example.org")
    assert "Thu 3 Dec 2026, 01:00 (America/Los_Angeles)" in proposal.subject
    assert "Thu 3 Dec 2026, 01:00 (America/Los_Angeles)" in proposal.body
    client = login(trainee.user)
    assert "Thu 3 Dec 2026, 01:00 (America/Los_Angeles)" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Thu 3 Dec 2026, 01:00 (America/Los_Angeles)" in client.get("/inbox/").content.decode()
    ics = client.get(f"/meetings/{meeting.pk}/ics").content.decode()
    assert "DTSTART:20261203T090000Z" in ics
    assert "DTEND:20261203T094500Z" in ics
    mentor_page = login(mentor.user).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Thu 3 Dec 2026, 09:00 (Europe/London)" in mentor_page


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("zone", "typed", "said"),
    [
        ("Europe/London", "2027-03-28T01:30", "01:30 does not exist on 28 Mar 2027 in Europe/London"),
        ("Europe/London", "2027-10-31T01:30", "01:30 happens twice on 31 Oct 2027 in Europe/London"),
        # Lord Howe Island moves its clocks by half an hour.
        ("Australia/Lord_Howe", "2027-10-03T02:15", "02:15 does not exist on 3 Oct 2027 in Australia/Lord_Howe"),
        ("Australia/Lord_Howe", "2027-04-04T01:45", "01:45 happens twice on 4 Apr 2027 in Australia/Lord_Howe"),
        ("America/Los_Angeles", "2027-03-14T02:30", "02:30 does not exist on 14 Mar 2027 in America/Los_Angeles"),
    ],
)
def test_a_time_the_clocks_skip_or_repeat_is_refused_on_the_page_and_nothing_is_saved(
    london_la: Any, login: Any, mentor: Any, zone: str, typed: str, said: str
) -> None:
    mentor.time_zone = zone
    mentor.save()
    response = propose_on_page(login(mentor.user), london_la, typed)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert Meeting.objects.count() == 0


@freeze_time(NOW)
def test_kolkatas_half_hour_offset_is_kept(london_la: Any, login: Any, mentor: Any, trainee: Any) -> None:
    trainee.time_zone = "Asia/Kolkata"
    trainee.save()
    propose_on_page(login(trainee.user), london_la, "2026-12-03T14:30")
    meeting = Meeting.objects.get()
    assert meeting.start == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    send_due()
    (proposal,) = emails_to("maya@example.org")
    assert "Thu 3 Dec 2026, 09:00 (Europe/London)" in proposal.body


def accepted(match: Any, mentor: Any, trainee: Any, start: datetime) -> Meeting:
    meeting = services.meeting_propose(
        match=match,
        by=mentor.user,
        start=start,
        duration_minutes=45,
        format="video",
        video_link="https://v.example.org/1",
    )
    return services.meeting_accept(meeting=meeting, by=trainee.user)


def reminders_sent(address: str) -> list[Any]:
    return [email for email in emails_to(address) if email.subject.startswith("Reminder")]


def test_the_24_hour_reminder_comes_24_hours_before_across_the_spring_forward_night(
    london_la: Any, mentor: Any, trainee: Any
) -> None:
    # 10:00 in London on the Sunday the clocks go forward (09:00 UTC): 24 hours before is 09:00 UTC on Saturday,
    # 09:00 in London then, not 10:00.
    start = datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    with freeze_time(datetime(2027, 3, 20, tzinfo=UTC)):
        meeting = accepted(london_la, mentor, trainee, start)
        send_due()
    mail.outbox.clear()
    with freeze_time(start - timedelta(hours=24, minutes=1)):
        send_due()
        assert reminders_sent("maya@example.org") == []
    with freeze_time(start - timedelta(hours=24)):
        send_due()
        send_due()  # the task runs again (two beat ticks, two beats): nothing twice
    (to_mentor,) = reminders_sent("maya@example.org")
    (to_trainee,) = reminders_sent("tara@example.org")
    assert "in 24 hours" in to_mentor.subject
    assert "Sun 28 Mar 2027, 10:00 (Europe/London)" in to_mentor.body
    assert "Sun 28 Mar 2027, 02:00 (America/Los_Angeles)" in to_trainee.body
    assert meeting.pk


def test_a_moved_meetings_old_reminder_is_not_sent_and_the_new_one_is(
    london_la: Any, mentor: Any, trainee: Any
) -> None:
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    with freeze_time(NOW):
        meeting = accepted(london_la, mentor, trainee, start)
        services.meeting_reschedule(meeting=meeting, by=trainee.user, start=start + timedelta(days=2))
        send_due()
    mail.outbox.clear()
    with freeze_time(start - timedelta(hours=1)):
        send_due()
    assert mail.outbox == []
    with freeze_time(start + timedelta(days=2) - timedelta(hours=24)):
        send_due()
    with freeze_time(start + timedelta(days=2) - timedelta(hours=1)):
        send_due()
    day_before, hour_before = reminders_sent("maya@example.org")
    assert "in 24 hours" in day_before.subject
    assert "in 1 hour" in hour_before.subject
    assert "Sat 12 Dec 2026, 09:00 (Europe/London)" in hour_before.body
    assert len(reminders_sent("tara@example.org")) == 2


def test_a_cancelled_meetings_reminders_and_prompts_are_never_sent(london_la: Any, mentor: Any, trainee: Any) -> None:
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    with freeze_time(NOW):
        meeting = accepted(london_la, mentor, trainee, start)
        services.meeting_cancel(meeting=meeting, by=trainee.user)
        send_due()
    mail.outbox.clear()
    for moment in (start - timedelta(hours=24), start - timedelta(hours=1), start + timedelta(hours=1)):
        with freeze_time(moment):
            send_due()
    assert mail.outbox == []


def test_after_a_change_of_time_zone_the_next_email_reads_the_new_zone(
    london_la: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    start = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    with freeze_time(NOW):
        accepted(london_la, mentor, trainee, start)
        send_due()
        trainee.time_zone = "Asia/Kolkata"
        trainee.save()
    mail.outbox.clear()
    with freeze_time(start - timedelta(hours=24)):
        send_due()
    (to_trainee,) = reminders_sent("tara@example.org")
    assert "Thu 10 Dec 2026, 22:30 (Asia/Kolkata)" in to_trainee.body


def test_feedback_prompts_go_once_to_both_after_the_meeting(london_la: Any, mentor: Any, trainee: Any) -> None:
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    with freeze_time(NOW):
        accepted(london_la, mentor, trainee, start)
        send_due()
    mail.outbox.clear()
    with freeze_time(start + timedelta(minutes=44)):
        send_due()
    assert [e.subject for e in mail.outbox if "Reminder" not in e.subject] == []
    with freeze_time(start + timedelta(minutes=45)):
        send_due()
        send_due()
    subjects = sorted((e.to[0], e.subject) for e in mail.outbox if "Reminder" not in e.subject)
    assert len(subjects) == 3, subjects  # feedback to both, the session log prompt to the mentor
    rows = Notification.objects.filter(kind="meeting_feedback_prompt", state=Notification.State.SENT)
    assert sorted(r.recipient.email for r in rows) == ["maya@example.org", "tara@example.org"]


def test_the_day_a_mentorship_ended_is_each_persons_own(london_la: Any, login: Any, mentor: Any, trainee: Any) -> None:
    # Ended at 03:00 UTC on 1 December: still the evening of 30 November in Los Angeles, where the session-log
    # form then refuses 1 December as after the end; the page must name the same day.
    from matching.models import Match

    london_la.status, london_la.ended_at = Match.Status.ENDED, datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    london_la.save(update_fields=["status", "ended_at"])
    mentor.time_zone = "America/Los_Angeles"
    mentor.save()
    trainee.time_zone = "Asia/Kolkata"
    trainee.save()
    with freeze_time(datetime(2026, 12, 2, 12, 0, tzinfo=UTC)):
        client = login(mentor.user)
        page = client.get(f"/meetings/match/{london_la.pk}/").content.decode()
        assert "This mentorship ended on 30 Nov 2026" in page
        refused = client.post(
            f"/meetings/match/{london_la.pk}/log/",
            {"date": "2026-12-01", "duration_minutes": 45, "notes_shared": "A later session."},
        )
        assert "This mentorship ended on 30 Nov 2026" in refused.content.decode()
        page = login(trainee.user).get(f"/meetings/match/{london_la.pk}/").content.decode()
        assert "This mentorship ended on 1 Dec 2026" in page


def _calendar_parts(email: Any) -> list[Any]:
    return [part for part in email.message().walk() if part.get_content_type() == "text/calendar"]


def test_the_invitation_in_an_email_says_its_method_as_imip_requires(london_la: Any, mentor: Any, trainee: Any) -> None:
    # RFC 6047: a text/calendar part carries method=, the same as the METHOD inside; mail clients (Outlook) show
    # Accept/Decline, or apply a cancellation, from it.
    with freeze_time(NOW):
        meeting = accepted(london_la, mentor, trainee, datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
        send_due()
        services.meeting_cancel(meeting=meeting, by=trainee.user)
        send_due()
    (accepted_email,) = [e for e in emails_to("maya@example.org") if e.subject.startswith("Meeting confirmed")]
    (cancelled_email,) = [e for e in emails_to("maya@example.org") if e.subject.startswith("Meeting cancelled")]
    for email, method in ((accepted_email, "REQUEST"), (cancelled_email, "CANCEL")):
        (part,) = _calendar_parts(email)
        assert part.get_param("method") == method
        assert f"METHOD:{method}" in part.get_payload(decode=True).decode()
        assert part.get_filename() == "meeting.ics"


@freeze_time(NOW)
def test_a_time_that_happens_twice_for_the_reader_says_which_of_the_two_it_is(
    london_la: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    # 08:30 and 09:30 in London on 7 Nov 2027 are both 01:30 in Los Angeles, where the clocks go back that night.
    client = login(mentor.user)
    for typed in ("2027-11-07T08:30", "2027-11-07T09:30"):
        assert propose_on_page(client, london_la, typed).status_code == 302
    first, second = Meeting.objects.order_by("start")
    page = login(trainee.user).get("/meetings/").content.decode()
    assert "Sun 7 Nov 2027, 01:30 (America/Los_Angeles, UTC-07:00, before the clocks go back)" in page
    assert "Sun 7 Nov 2027, 01:30 (America/Los_Angeles, UTC-08:00, after the clocks go back)" in page
    send_due()
    subjects = sorted(email.subject for email in emails_to("tara@example.org"))
    assert subjects == [
        "Dr Maya Patel proposes a meeting on Sun 7 Nov 2027, 01:30 (America/Los_Angeles, UTC-07:00, before the "
        "clocks go back)",
        "Dr Maya Patel proposes a meeting on Sun 7 Nov 2027, 01:30 (America/Los_Angeles, UTC-08:00, after the "
        "clocks go back)",
    ]
    # Times nobody can mistake read as before.
    assert "Sun 7 Nov 2027, 08:30 (Europe/London)" in login(mentor.user).get(f"/meetings/{first.pk}/").content.decode()
    assert second.pk


def test_a_proposal_nobody_accepted_gets_no_reminder_and_no_feedback_prompt(
    london_la: Any, mentor: Any, trainee: Any
) -> None:
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    with freeze_time(NOW):
        services.meeting_propose(
            match=london_la, by=mentor.user, start=start, duration_minutes=45, format="phone", phone="+44 20 7946 0000"
        )
        send_due()
    mail.outbox.clear()
    for moment in (start - timedelta(hours=24), start - timedelta(hours=1), start + timedelta(hours=1)):
        with freeze_time(moment):
            send_due()
    assert mail.outbox == []
