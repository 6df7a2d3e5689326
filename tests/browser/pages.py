"""Steps the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.factories.profiles import DEFAULT_PASSWORD


def log_in(page: Page, base: str, email: str) -> None:
    """Log in on the site's form with the factories' password and wait for the home page."""
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
