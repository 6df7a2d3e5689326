"""After a match: the mentor schedules a meeting, the trainee accepts, the reminder e-mail (with its .ics) arrives,
the mentor logs the session and both give feedback — in a real browser."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from meetings.models import Feedback, Meeting, SessionLog
from notifications import dispatch
from tests.browser.pages import log_in
from tests.factories import MeetingFactory, MentorProfileFactory, TraineeProfileFactory, approved_match

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def pair() -> Any:
    # tests/conftest.py's _reference_data re-seeds the taxonomy if an earlier transactional test lost it.
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel", user__email="maya@example.org")
    trainee = TraineeProfileFactory(user__full_name="Tara Trainee", user__email="tara@example.org")
    return approved_match(mentor=mentor, trainee=trainee)


def give_feedback(page: Page, base: str, meeting: Meeting, went_well: str) -> None:
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Give feedback").click()
    page.get_by_role("group", name="How was the meeting?").get_by_label("5").check()
    page.get_by_role("group", name="Was it useful?").get_by_label("Yes").check()
    page.get_by_label("What went well?").fill(went_well)
    page.get_by_role("group", name="Is this a good fit?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()


def send_due(now: Any) -> None:
    """What beat and the worker do, run synchronously at `now`: claim everything due and send it (an e-mail says
    the time left from the moment it is sent, so the clock is set there too)."""
    queued: list[tuple[int, str]] = []
    with freeze_time(now):
        dispatch.notifications_dispatch_due(enqueue=lambda pk, claim: queued.append((pk, claim)), now=now)
        for pk, claim in queued:
            dispatch.notification_send(notification_id=pk, claim=claim)


def test_a_meeting_from_proposal_to_two_sided_feedback(
    page: Page, browser: Browser, live_server: Any, pair: Any, artifacts_dir: Path
) -> None:
    base = live_server.url
    day = (timezone.now() + timedelta(days=3)).date()

    # The mentor's home page asks for a first meeting; she proposes a video meeting at 10:00 New York time.
    log_in(page, base, "maya@example.org")
    page.goto(f"{base}/")
    expect(page.get_by_text("No meeting yet with Tara Trainee")).to_be_visible()
    page.get_by_role("link", name="propose one").click()
    page.get_by_label("Date and time").fill(f"{day}T10:00")
    page.get_by_label("Duration (minutes)").fill("45")
    # The form asks only for the detail the format needs: a place in person, a link for video.
    page.get_by_label("Format").select_option(label="In person")
    expect(page.get_by_label("Place")).to_be_visible()
    expect(page.get_by_label("Video link")).to_be_hidden()
    page.get_by_label("Format").select_option(label="Video")
    expect(page.get_by_label("Place")).to_be_hidden()
    expect(page.get_by_label("Phone")).to_be_hidden()
    page.get_by_label("Video link").fill("https://video.example.org/maya-tara")
    page.get_by_role("button", name="Propose this time").click()
    expect(page.get_by_text("Meeting proposed.")).to_be_visible()
    meeting = Meeting.objects.get()

    # The trainee's home page says it waits for her answer, in Chicago time (09:00); she accepts it.
    trainee_page = browser.new_page()
    log_in(trainee_page, base, "tara@example.org")
    trainee_page.goto(f"{base}/")
    expect(trainee_page.get_by_text("accept it, suggest another time or decline it")).to_be_visible()
    trainee_page.get_by_role("link", name="09:00 (America/Chicago)").click()
    trainee_page.get_by_role("button", name="Accept this time").click()
    expect(trainee_page.get_by_text("Meeting accepted.")).to_be_visible()
    trainee_page.screenshot(path=str(artifacts_dir / "meeting-accepted.png"), full_page=True)

    # A day before: the reminder e-mail arrives with the invitation attached.
    meeting.refresh_from_db()
    send_due(meeting.start - timedelta(hours=24))
    reminder = next(m for m in mail.outbox if m.to == ["tara@example.org"] and "Reminder" in m.subject)
    assert "in 24 hours" in reminder.subject
    (ics,) = reminder.attachments
    assert (ics.get_filename(), ics.get_param("method")) == ("meeting.ics", "REQUEST")
    assert Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0].decoded("dtstart") == meeting.start

    # The meeting takes place (moved into the past here rather than waiting for it).
    Meeting.objects.filter(pk=meeting.pk).update(start=timezone.now() - timedelta(hours=2))

    # The mentor's home page asks for the session log; the trainee then sees the shared notes only.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Log the session").click()
    page.get_by_label("Notes shared with the trainee").fill("Mapped out research electives.")
    page.get_by_label("Private notes (only you see these)").fill("Worried about workload.")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_text("Session logged.")).to_be_visible()
    assert SessionLog.objects.get().meeting_id == meeting.pk

    trainee_page.goto(f"{base}/meetings/match/{pair.pk}/")
    expect(trainee_page.get_by_text("Mapped out research electives.")).to_be_visible()
    expect(trainee_page.get_by_text("Worried about workload.")).to_have_count(0)

    # The trainee's meetings list says the session is logged and that their own feedback is still to give.
    trainee_page.goto(f"{base}/meetings/")
    past = trainee_page.locator(".meeting-row").filter(has=trainee_page.get_by_text("Session logged"))
    expect(past.get_by_role("link", name="Give your feedback")).to_be_visible()

    # Both give feedback; each sees the other's answer once both have answered.
    give_feedback(page, base, meeting, "Well prepared questions")
    give_feedback(trainee_page, base, meeting, "Clear next steps")
    assert Feedback.objects.filter(meeting=meeting).count() == 2
    trainee_page.goto(f"{base}/meetings/")
    expect(past.get_by_text("Your feedback given")).to_be_visible()
    expect(past.get_by_role("link", name="Give your feedback")).to_have_count(0)
    trainee_page.goto(f"{base}/meetings/{meeting.pk}/")
    expect(trainee_page.get_by_text("Well prepared questions")).to_be_visible()
    trainee_page.screenshot(path=str(artifacts_dir / "meeting-feedback.png"), full_page=True)


def test_a_session_log_with_only_a_date_and_a_duration_is_refused_with_the_reason_read_aloud(
    page: Page, live_server: Any, pair: Any
) -> None:
    # Before: "Session logged.", and the empty log counted as a session for the pair and the program's health.
    base = live_server.url
    log_in(page, base, "maya@example.org")
    page.goto(f"{base}/meetings/match/{pair.pk}/")
    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_role("button", name="Save the log").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Say what the session was about")
    expect(page.get_by_label("Duration (minutes)")).to_have_value("40")  # what was typed stays
    assert SessionLog.objects.count() == 0

    page.get_by_label("Next steps (shared)").fill("Draft the abstract by Friday.")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_text("Session logged.")).to_be_visible()
    assert SessionLog.objects.get().duration_minutes == 40


def test_cancelling_a_meeting_asks_first_and_the_reason_field_says_it_is_for_cancelling(
    page: Page, live_server: Any, pair: Any
) -> None:
    # Before: one click on "Cancel the meeting" cancelled it for both (a request's Cancel asks first), and the field
    # above it, "Reason (shown to the other person)", sat under "Move it" as if it were the reason for moving.
    meeting = MeetingFactory(match=pair)
    base = live_server.url
    log_in(page, base, "maya@example.org")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    reason = page.get_by_label("Reason for cancelling (shown to the other person)")
    reason.fill("Called into theatre")

    asked: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Cancel the meeting").click()
    assert asked == ["Cancel this meeting? Tara Trainee is told, and its reminders stop."]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED
    expect(reason).to_have_value("Called into theatre")  # nothing typed is lost

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_text("Meeting cancelled.")).to_be_visible()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (Meeting.Status.CANCELLED, "Called into theatre")
