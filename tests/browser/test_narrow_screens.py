"""On a 375 px phone no page is wider than the screen: long user text (a Teams link, an agenda, a reason) wraps,
tables scroll inside their own box instead of widening the page, and a score's lines stack so each reason shows."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from matching.models import Match
from meetings.models import Meeting
from tests.browser.pages import log_in
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MeetingFactory,
    MentorProfileFactory,
    ProgramFactory,
    SessionLogFactory,
    TraineeProfileFactory,
    approved_match,
)
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_WIDTH = 375
# What Teams puts in an invitation: one ~300-character "word" with no place a browser may break it.
TEAMS_LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + "NjQ5ZTRhYmQtZjM4Ny00" * 12 + "%40thread.v2/0"
UNBROKEN = "Reschedule_" + "because_the_clinic_rota_changed_" * 8  # 267 characters, no space or hyphen


@pytest.fixture
def pages() -> dict[str, tuple[str, str]]:
    """What each page is: (who looks at it, its path)."""
    program = ProgramFactory(name="Residents 2026")
    trainee = TraineeProfileFactory(
        user__full_name="Tara Trainee", user__email="tara@example.org", statement=f"I want {UNBROKEN}"
    )
    browsing = MentorProfileFactory(user__full_name="Dr Ana Cardio")
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel", user__email="maya@example.org")
    match = approved_match(mentor=mentor, trainee=trainee, program=program)
    SessionLogFactory(match=match, notes_shared=UNBROKEN, next_steps=TEAMS_LINK)
    video = MeetingFactory(match=match, video_link=TEAMS_LINK, agenda=f"Bring {UNBROKEN}")
    cancelled = MeetingFactory(
        match=match,
        start=timezone.now() + timedelta(days=5),
        status=Meeting.Status.CANCELLED,
        cancel_reason=UNBROKEN,
    )
    MatchFactory(
        program=program,
        trainee=trainee,
        status=Match.Status.DECLINED,
        origin=Match.Origin.REQUEST,
        decision_reason=UNBROKEN,
    )
    MatchFactory(
        program=program,
        mentor=mentor,
        status=Match.Status.REQUESTED,
        origin=Match.Origin.REQUEST,
        message=UNBROKEN,
    )
    MatchFactory(  # listed under the mentor's past mentees with why it ended
        program=program,
        mentor=mentor,
        status=Match.Status.ENDED,
        origin=Match.Origin.REQUEST,
        ended_at=timezone.now() - timedelta(days=2),
        end_reason=UNBROKEN,
    )
    return {
        "the mentor page with its score table": ("tara", f"/mentors/{browsing.pk}/"),
        "a meeting with a Teams link and a long agenda": ("tara", f"/meetings/{video.pk}/"),
        "a meeting cancelled with a long reason": ("tara", f"/meetings/{cancelled.pk}/"),
        "my requests, one declined with a long reason": ("tara", "/mentors/requests/"),
        "the match page with long session notes": ("tara", f"/meetings/match/{match.pk}/"),
        "my mentees, with a long statement, request message and end reason": ("maya", "/mentorship/mentees/"),
    }


def test_no_page_is_wider_than_a_375_px_phone(
    browser: Browser, live_server: Any, pages: dict[str, tuple[str, str]], artifacts_dir: Path
) -> None:
    # Tried: the mentor page was 498 px wide (the one-column grid grew to the score table's width, so
    # .table-wrap never scrolled), a meeting with a Teams link 2804 px (the link in a grid cell would not wrap),
    # my requests 2576 px (the table's hidden "Actions" heading escaped .table-wrap's scrolling box).
    signed_in: dict[str, Page] = {}
    for who in ("tara", "maya"):
        signed_in[who] = browser.new_page(viewport={"width": PHONE_WIDTH, "height": 800})
        log_in(signed_in[who], live_server.url, f"{who}@example.org")

    widths = {}
    for name, (who, path) in pages.items():
        page = signed_in[who]
        page.goto(f"{live_server.url}{path}")
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        if widths[name] > PHONE_WIDTH:
            page.screenshot(path=str(artifacts_dir / f"too-wide-{path.strip('/').replace('/', '-')}.png"))
    for opened in signed_in.values():
        opened.close()
    assert {name: width for name, width in widths.items() if width > PHONE_WIDTH} == {}


def test_on_a_phone_every_reason_of_a_score_is_on_screen(page: Page, live_server: Any) -> None:
    # Tried: as five columns the table scrolled sideways in its box and the "Reason" column started beyond the
    # right edge of a 375 px screen: the trainee saw fits and weights but not the words saying why.
    ProgramFactory(name="Residents 2026", open_to_all=True)
    TraineeProfileFactory(user__full_name="Tara Trainee", user__email="tara@example.org")
    mentor = MentorProfileFactory(user__full_name="Dr Ana Cardio", time_zone="Europe/London")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    log_in(page, live_server.url, "tara@example.org")
    page.goto(f"{live_server.url}/mentors/{mentor.pk}/")

    reasons = page.locator("table.breakdown tbody tr td:last-child")
    assert reasons.count() >= 6
    for index in range(reasons.count()):
        reason = reasons.nth(index)
        box = reason.bounding_box()  # where it is without scrolling sideways
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE_WIDTH, reason.inner_text()
    expect(reasons.first).to_have_text(re.compile(r"^Same specialty"))
    # The numbers are still there, each named, since the column headings are out of sight.
    named = (
        page.locator("table.breakdown tbody tr")
        .first.locator("td")
        .evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    )
    assert named[:3] == ['"Fit "', '"Weight "', '"Points "']


def test_on_a_phone_a_feedback_rating_reads_as_one_scale_of_plain_choices(page: Page, live_server: Any) -> None:
    # Tried: outside the profile form a group's question was plain and its choices bold, and 1–5 stood in a column
    # (the session log's topics the same), unlike every other group on the site.
    mentor = MentorProfileFactory(user__email="maya@example.org")
    match = approved_match(mentor=mentor, trainee=TraineeProfileFactory())
    meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    log_in(page, live_server.url, "maya@example.org")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/feedback")

    rating = page.get_by_role("group", name="How was the meeting?")
    tops = {round(rating.get_by_label(str(n), exact=True).bounding_box()["y"]) for n in range(1, 6)}  # type: ignore[index]
    assert len(tops) == 1, tops  # 1 to 5 on one line
    weights = rating.evaluate("g => ['legend', 'label'].map(tag => getComputedStyle(g.querySelector(tag)).fontWeight)")
    assert weights == ["600", "400"]


def test_on_a_phone_the_program_health_page_is_no_wider_than_the_screen_with_long_e_mails(
    page: Page, live_server: Any, artifacts_dir: Path
) -> None:
    # Tried: people without a full name are shown by their e-mail, and mentors who share a name by their name and
    # e-mail; a 90-character address made the at-risk table 461 px wide on a 375 px phone (the page scrolled sideways).
    coordinator = CoordinatorFactory(email="cora@example.org")
    program = ProgramFactory(name="Residents 2026", coordinators=[coordinator], first_meeting_days=14)
    long = "maria-alejandra.konstantinopoulou-whitfield@university-hospital-of-somewhere.example.org"
    for n in range(2):
        approved_match(
            mentor=MentorProfileFactory(user__full_name="Dr Claire Thompson", user__email=f"{n}.{long}"),
            trainee=TraineeProfileFactory(user__full_name="", user__email=f"trainee.{n}.{long}"),
            program=program,
            decided_at=timezone.now() - timedelta(days=30),
            at_risk_since=timezone.now() - timedelta(days=3),
            at_risk_reason="No session logged in 30 days",
        )
    TraineeProfileFactory(user__full_name="", user__email=f"waiting.{long}").programs.add(program)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/matching/program/{program.pk}/health/")
    page.get_by_label("E-mail address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector('figure[data-chart="load"] svg')
    expect(page.get_by_text(f"trainee.0.{long}").first).to_be_attached()

    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        page.screenshot(path=str(artifacts_dir / "too-wide-program-health.png"), full_page=True)
    assert width <= PHONE_WIDTH
    # Each e-mail wraps on screen, rather than hiding its end in a table scrolled sideways.
    cells = page.locator("td", has_text=long)
    assert cells.count() >= 7
    rights = [cells.nth(i).evaluate("cell => cell.getBoundingClientRect().right") for i in range(cells.count())]
    assert max(rights) <= PHONE_WIDTH


def test_a_long_request_message_opens_whole_in_place_of_its_preview(page: Page, live_server: Any) -> None:
    # Tried: My mentees cut a trainee's message at 80 words and the mentor could read the rest nowhere; folded, the
    # first 60 words show with "Read all", which opens to the whole text instead of repeating the preview above it.
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel", user__email="maya@example.org")
    words = " ".join(f"word{i}" for i in range(150))
    MatchFactory(mentor=mentor, status=Match.Status.REQUESTED, origin=Match.Origin.REQUEST, message=words)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    log_in(page, live_server.url, "maya@example.org")
    page.goto(f"{live_server.url}/mentorship/mentees/")

    fold = page.locator("details.fold")
    expect(fold.locator(".fold-preview")).to_be_visible()
    expect(fold.locator(".fold-preview")).to_contain_text("word59")
    expect(fold.locator(".fold-preview")).not_to_contain_text("word60")
    expect(fold.get_by_text("word149")).to_be_hidden()
    fold.get_by_text("Read all of their message (150 words)").click()
    expect(fold.get_by_text(re.compile("word149"))).to_be_visible()
    expect(fold.locator(".fold-preview")).to_be_hidden()
    expect(fold.get_by_text("Read all of their message")).to_be_hidden()
    fold.get_by_text("Show less of their message").click()
    expect(fold.locator(".fold-preview")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
