"""A refused form tells a screen-reader user what is wrong where they are: on a group of boxes or buttons (the
profile's focus areas, a feedback rating) the group is described by its error, as a single input is by Django."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in
from tests.factories import MeetingFactory, MentorProfileFactory, TraineeProfileFactory, UserFactory, approved_match

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_refused_profile_describes_each_group_by_its_error(page: Page, live_server: Any) -> None:
    # Tried: "Choose at least one focus area." was printed under the boxes but tied to nothing, so a screen reader
    # reaching the group heard only "What you want help with, group".
    UserFactory(email="nia@example.org")
    log_in(page, live_server.url, "nia@example.org")
    page.goto(f"{live_server.url}/me/trainee/")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("group", name="What you want help with")).to_have_accessible_description(
        "Choose at least one focus area."
    )
    expect(page.get_by_role("group", name="Languages you can meet in")).to_have_accessible_description(
        "Choose at least one language you can meet in."
    )
    # A single field keeps Django's own link to its error.
    expect(page.get_by_label("Career stage")).to_have_accessible_description(re.compile("required"))
    expect(page.get_by_label("Career stage")).to_be_focused()


def test_a_refused_feedback_describes_the_rating_group_and_focuses_its_first_button(
    page: Page, live_server: Any
) -> None:
    mentor = MentorProfileFactory(user__email="maya@example.org")
    match = approved_match(mentor=mentor, trainee=TraineeProfileFactory())
    meeting = MeetingFactory(match=match, start=timezone.now() - timedelta(hours=3))
    log_in(page, live_server.url, "maya@example.org")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/feedback")
    page.get_by_role("button", name="Send feedback").click()

    rating = page.get_by_role("group", name="How was the meeting?")
    expect(rating).to_have_accessible_description("Choose a rating from 1 (poor) to 5 (excellent).")
    expect(rating.get_by_label("1")).to_be_focused()


def test_a_refusal_of_the_whole_form_is_where_the_focus_lands(page: Page, live_server: Any) -> None:
    # Tried: an error about no single field (an empty session log) was printed above the form, but focus stayed at
    # the top of the reloaded page, so a keyboard or screen-reader user heard nothing and had to hunt for it.
    mentor = MentorProfileFactory(user__email="maya@example.org")
    match = approved_match(mentor=mentor, trainee=TraineeProfileFactory())
    log_in(page, live_server.url, "maya@example.org")
    page.goto(f"{live_server.url}/meetings/match/{match.pk}/log/")
    page.get_by_role("button", name="Save the log").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Say what the session was about")
    expect(alert).to_be_focused()
    page.keyboard.press("Tab")  # and the form follows it
    expect(page.get_by_label("Date")).to_be_focused()
