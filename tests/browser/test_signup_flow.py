"""A newcomer's first visit, in a real browser: sign up, confirm the e-mail address from the link sent to it,
fill the trainee profile, add a goal, see it listed."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from profiles.models import Goal, TraineeProfile

# Live-server tests truncate tables; serialized_rollback restores the seeded taxonomy for the tests after this one.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-enough-passphrase-2026"


def test_a_new_trainee_signs_up_fills_the_profile_adds_a_goal_and_sees_it(
    page: Page, live_server: Any, artifacts_dir: Path
) -> None:
    page.goto(f"{live_server.url}/signup/")
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("E-mail").fill("Nia.Newcomer@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)  # Django adds the colon
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    reminder = page.get_by_role("form", name="Confirm your e-mail address")
    expect(reminder).to_contain_text("nia.newcomer@example.org")
    expect(page.get_by_text("We sent a link to nia.newcomer@example.org")).to_be_visible()
    found = re.search(r"(/confirm-email/[^/\s]+/)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    page.goto(f"{live_server.url}{found.group(1)}")  # as if opened from the e-mail
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your e-mail address is confirmed")
    expect(reminder).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    page.get_by_role("link", name="Create my trainee profile").click()

    page.get_by_label("Career stage").select_option(label="Clinical student")
    page.get_by_label("Institution").fill("Hudson Valley School of Medicine")
    # Plain clicks choose several (no Ctrl, which the review needed), and a line names what is chosen.
    interests = page.get_by_label("Specialty interests")
    for name in ("Cardiology", "Internal Medicine", "Nephrology"):
        interests.get_by_role("option", name=name, exact=True).click()
    interests.get_by_role("option", name="Nephrology", exact=True).click()  # a second click unchooses
    expect(page.locator(".chosen-options").first).to_have_text("Chosen: Internal Medicine, Cardiology")
    page.get_by_label("Specialty choice and career planning", exact=True).check()
    page.get_by_label("Research and scholarship", exact=True).check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Spanish", exact=True).check()
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_role("button", name="Save").click()
    # A first profile leads straight to the mentors it ranks (the next of the home page's three steps).
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a mentor")
    expect(page.get_by_role("status")).to_contain_text("Your trainee profile is saved. Here are the mentors ranked")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    expect(page.get_by_text("Cardiology, Internal Medicine")).to_be_visible()
    page.get_by_role("link", name="Edit trainee profile").click()
    page.get_by_label("Institution").fill("Hudson Valley School of Medicine, Poughkeepsie")
    page.get_by_role("button", name="Save").click()
    # Editing it later goes back to the profile, as before.
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    expect(page.get_by_text("Your trainee profile is saved.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Goals").click()
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Title").fill("Present a poster at the spring meeting")
    page.get_by_label("Focus area").select_option(label="Research and scholarship")
    page.get_by_label("Target date").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_label("Progress").fill("25")
    page.get_by_role("button", name="Save goal").click()

    expect(page.get_by_role("heading", name="Present a poster at the spring meeting")).to_be_visible()
    expect(page.get_by_text("Progress: 25%")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "signup-flow-goals.png"), full_page=True)

    profile = TraineeProfile.objects.get(user__email="nia.newcomer@example.org", user__email_confirmed_at__isnull=False)
    assert profile.meeting_formats == 2 | 4  # video (the default) and phone
    assert Goal.objects.get(trainee=profile).progress == 25


def test_a_first_profile_starts_from_the_browsers_own_time_zone(browser: Any, live_server: Any) -> None:
    # Every new profile started on America/New_York, wherever the person was.
    from tests.browser.pages import log_in
    from tests.factories import UserFactory

    UserFactory(email="lena@example.org")
    context = browser.new_context(timezone_id="Europe/Berlin")
    page = context.new_page()
    log_in(page, live_server.url, "lena@example.org")
    for path in ("/me/trainee/", "/me/mentor/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    context.close()
    # Chromium in India reports the old name "Asia/Calcutta": the profile gets the current one everyone else has.
    india = browser.new_context(timezone_id="Asia/Calcutta")
    page = india.new_page()
    log_in(page, live_server.url, "lena@example.org")
    page.goto(f"{live_server.url}/me/trainee/")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Kolkata")
    india.close()
