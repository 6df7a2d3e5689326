"""Saving a profile keeps the person's time zone, even one the select's regions leave out (UTC, US/Eastern, …)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from profiles.models import MentorProfile, TraineeProfile
from tests.browser.pages import log_in
from tests.factories import MentorProfileFactory, TraineeProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_changing_only_the_capacity_keeps_a_utc_mentors_zone(page: Page, live_server: Any) -> None:
    # Tried: the select had no UTC, so Chromium showed and posted its first zone and the mentor was on Africa/Abidjan.
    mentor = MentorProfileFactory(user__email="una@example.org", time_zone="UTC")
    log_in(page, live_server.url, "una@example.org")
    page.goto(f"{live_server.url}/me/mentor/")
    expect(page.get_by_label("Time zone")).to_have_value("UTC")
    page.get_by_label("Capacity").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your mentor profile is saved.")).to_be_visible()
    saved = MentorProfile.objects.get(pk=mentor.pk)
    assert (saved.capacity, saved.time_zone) == (3, "UTC")


def test_changing_only_the_institution_keeps_a_trainees_legacy_zone(page: Page, live_server: Any) -> None:
    trainee = TraineeProfileFactory(user__email="ula@example.org", time_zone="US/Eastern")
    log_in(page, live_server.url, "ula@example.org")
    page.goto(f"{live_server.url}/me/trainee/")
    expect(page.get_by_label("Time zone")).to_have_value("US/Eastern")
    page.get_by_label("Institution").fill("Northfield School of Medicine")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your trainee profile is saved.")).to_be_visible()
    saved = TraineeProfile.objects.get(pk=trainee.pk)
    assert (saved.institution, saved.time_zone) == ("Northfield School of Medicine", "US/Eastern")


def test_a_mentor_shown_an_error_elsewhere_still_has_their_zone_chosen(page: Page, live_server: Any) -> None:
    mentor = MentorProfileFactory(user__email="eli@example.org", time_zone="Etc/GMT+5")
    log_in(page, live_server.url, "eli@example.org")
    page.goto(f"{live_server.url}/me/mentor/")
    page.get_by_label("Capacity").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Take at least 1 mentee.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Etc/GMT+5")
    page.get_by_label("Capacity").fill("4")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your mentor profile is saved.")).to_be_visible()
    saved = MentorProfile.objects.get(pk=mentor.pk)
    assert (saved.capacity, saved.time_zone) == (4, "Etc/GMT+5")


def test_a_mentor_chooses_utc_from_the_list(page: Page, live_server: Any) -> None:
    mentor = MentorProfileFactory(user__email="ada@example.org", time_zone="America/New_York")
    log_in(page, live_server.url, "ada@example.org")
    page.goto(f"{live_server.url}/me/mentor/")
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your mentor profile is saved.")).to_be_visible()
    assert MentorProfile.objects.get(pk=mentor.pk).time_zone == "UTC"
