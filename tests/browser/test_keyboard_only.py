"""Keyboard only: choosing several specialties with arrows and Space keeps what was chosen before."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def chosen(page: Page, label: str) -> list[str]:
    return page.get_by_label(label).evaluate("s => [...s.selectedOptions].map(o => o.textContent.trim())")


def test_arrow_keys_move_without_unchoosing_and_space_chooses(page: Page, live_server: Any) -> None:
    # Tried: with Cardiology chosen, Tab into the list and one Down arrow left only "Clinical Cardiac
    # Electrophysiology" chosen (the browser's own arrows replace the choice), and Space added nothing.
    UserFactory(email="kai@example.org")
    log_in(page, live_server.url, "kai@example.org")
    page.goto(f"{live_server.url}/me/trainee/")
    interests = page.get_by_label("Specialty interests")
    interests.get_by_role("option", name="Cardiology", exact=True).click()

    page.get_by_label("Institution").focus()
    page.keyboard.press("Tab")
    expect(interests).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert chosen(page, "Specialty interests") == ["Cardiology"]
    page.keyboard.press("Space")
    assert chosen(page, "Specialty interests") == ["Cardiology", "Endocrinology, Diabetes and Metabolism"]
    page.keyboard.type("neph")  # typing a name moves there too, choosing nothing
    assert len(chosen(page, "Specialty interests")) == 2
    page.keyboard.press("Space")
    expect(page.locator(".chosen-options").first).to_have_text(
        "Chosen: Cardiology, Endocrinology, Diabetes and Metabolism, Nephrology"
    )
    page.keyboard.press("Space")  # and unchooses
    expect(page.locator(".chosen-options").first).to_have_text(
        "Chosen: Cardiology, Endocrinology, Diabetes and Metabolism"
    )
    page.keyboard.press("Tab")  # Tab still leaves the list
    expect(page.get_by_label("Specialty choice and career planning", exact=True)).to_be_focused()
