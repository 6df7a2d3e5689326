"""A trainee finds a mentor in a real browser: filter, read why, shortlist two, request one, see it pending."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from profiles.models import MeetingFormat
from tests.browser.pages import log_in
from tests.factories import (
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    focus_area,
    language,
    specialty,
)
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people() -> dict[str, Any]:
    ProgramFactory(name="Residents 2026", open_to_all=True)
    spanish, english = language("es"), language("en")
    trainee = TraineeProfileFactory(
        user__full_name="Tara Trainee", user__email="tara@example.org", languages=[english, spanish]
    )
    ana = MentorProfileFactory(
        user__full_name="Dr Ana Cardio", specialty=specialty("Cardiology"), languages=[spanish, english]
    )
    ben = MentorProfileFactory(
        user__full_name="Dr Ben Internist", specialty=specialty("Internal Medicine"), languages=[spanish]
    )
    MentorProfileFactory(user__full_name="Dr Carl Surgeon", specialty=specialty("General Surgery"), languages=[spanish])
    MentorProfileFactory(user__full_name="Dr Dana English", specialty=specialty("Cardiology"), languages=[english])
    return {"trainee": trainee, "ana": ana, "ben": ben}


def test_a_trainee_filters_reads_why_shortlists_two_and_requests_one(
    page: Page, live_server: Any, people: dict[str, Any], artifacts_dir: Path
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill("tara@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/mentors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a mentor")
    page.get_by_label("Specialty").select_option(label="Internal Medicine")
    page.get_by_label("Language").select_option(label="Spanish")
    page.get_by_role("button", name="Show mentors").click()

    # The filters are in the URL (shareable), and only Spanish-speaking internal-medicine mentors are listed.
    assert f"specialty={specialty('Internal Medicine').pk}" in page.url
    assert f"language={language('es').pk}" in page.url
    cards = page.locator(".mentor-card h3")
    expect(cards).to_have_text(["Dr Ana Cardio", "Dr Ben Internist"])  # best match first
    expect(page.get_by_text("Same specialty (Cardiology)")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "directory.png"), full_page=True)

    page.get_by_role("link", name="Dr Ana Cardio", exact=True).click()
    expect(page.get_by_role("heading", name="Why this score")).to_be_visible()
    expect(page.locator("table.breakdown tbody tr")).to_have_count(6)  # institution is neutral here; no shortlist yet
    page.get_by_role("button", name="Add to shortlist").click()
    expect(page.get_by_role("button", name="Remove from shortlist")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "mentor-page.png"), full_page=True)

    page.go_back()
    page.go_back()  # back to the filtered directory: the back button keeps the filters
    expect(page.locator(".mentor-card h3")).to_have_text(["Dr Ana Cardio", "Dr Ben Internist"])
    page.get_by_role("link", name="Dr Ben Internist", exact=True).click()
    page.get_by_role("button", name="Add to shortlist").click()

    page.goto(f"{live_server.url}/mentors/shortlist/")
    expect(page.locator(".shortlist li")).to_have_count(2)

    page.goto(f"{live_server.url}/mentors/{people['ana'].pk}/")
    page.get_by_label("What do you hope to get from this mentorship?").fill("Advice on a cardiology fellowship.")
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")
    row = page.locator("tbody tr", has_text="Dr Ana Cardio")
    expect(row).to_contain_text("Pending")
    expect(row.get_by_role("button", name="Cancel")).to_be_visible()


def test_on_a_phone_the_mentors_come_first_and_the_filters_open_on_demand(
    page: Page, live_server: Any, people: dict[str, Any], artifacts_dir: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill("tara@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/mentors/")
    expect(page.get_by_label("Specialty")).to_be_hidden()  # folded, so the best mentor is on the first screen
    expect(page.locator(".mentor-card h3").first).to_be_in_viewport()
    page.screenshot(path=str(artifacts_dir / "directory-phone.png"))

    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Language").select_option(label="English")
    page.get_by_role("button", name="Show mentors").click()
    # Filters in use stay open after the reload, so the trainee sees what narrowed the list.
    expect(page.get_by_label("Language")).to_be_visible()
    expect(page.locator(".mentor-card h3")).to_have_text(["Dr Ana Cardio", "Dr Dana English"])


def test_the_back_link_of_a_mentor_page_returns_to_the_filtered_list(
    page: Page, live_server: Any, people: dict[str, Any]
) -> None:
    # Tried: "← All mentors" always opened the whole directory, so a trainee comparing the cardiologists they had
    # filtered for had to set every filter again after reading each mentor's "why".
    log_in(page, live_server.url, "tara@example.org")
    page.goto(f"{live_server.url}/mentors/")
    page.get_by_label("Specialty").select_option(label="Internal Medicine")
    page.get_by_label("Language").select_option(label="Spanish")
    page.get_by_role("button", name="Show mentors").click()
    expect(page.locator(".mentor-card h3")).to_have_text(["Dr Ana Cardio", "Dr Ben Internist"])

    page.get_by_role("link", name="Why this score · request — Dr Ben Internist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dr Ben Internist")
    page.get_by_role("button", name="Add to shortlist").click()  # starring keeps the way back too
    expect(page.get_by_role("button", name="Remove from shortlist")).to_be_visible()
    page.get_by_role("link", name="← Back to your list of mentors").click()

    expect(page.locator(".mentor-card h3")).to_have_text(["Dr Ana Cardio", "Dr Ben Internist"])
    expect(page.get_by_label("Specialty")).to_have_value(str(specialty("Internal Medicine").pk))
    expect(page.get_by_label("Language")).to_have_value(str(language("es").pk))


def test_a_mentor_page_opened_from_elsewhere_links_to_the_whole_directory(
    page: Page, live_server: Any, people: dict[str, Any]
) -> None:
    log_in(page, live_server.url, "tara@example.org")
    # A crafted "from" is only ever a query on the directory's own path, never another site.
    page.goto(f"{live_server.url}/mentors/{people['ana'].pk}/?from=//evil.example.org/")
    back = page.get_by_role("link", name="← Back to your list of mentors")
    assert (back.get_attribute("href") or "").startswith("/mentors/?")
    page.goto(f"{live_server.url}/mentors/{people['ana'].pk}/")
    page.get_by_role("link", name="← All mentors").click()
    expect(page.locator(".mentor-card h3")).to_have_count(4)


def test_what_lowered_a_score_names_the_focus_area_and_meeting_format_the_mentor_does_not_offer(
    page: Page, live_server: Any
) -> None:
    # Before: "What lowered it: Covers 1 of your 2 focus areas (Specialty choice and career planning)" named only
    # what the mentor does cover, so it read as if that area had lowered the score; the one missing was nowhere.
    ProgramFactory(name="Residents 2026", open_to_all=True)
    TraineeProfileFactory(
        user__email="tara@example.org",
        focus_areas=[focus_area(0), focus_area(3)],
        meeting_formats=MeetingFormat.VIDEO | MeetingFormat.PHONE,
    )
    mentor = MentorProfileFactory(focus_areas=[focus_area(0)], meeting_formats=MeetingFormat.VIDEO)
    log_in(page, live_server.url, "tara@example.org")
    page.goto(f"{live_server.url}/mentors/{mentor.pk}/")

    lowered = page.locator(".lowered-list li")
    expect(lowered.filter(has_text="focus areas")).to_have_text(
        f"Covers 1 of your 2 focus areas ({focus_area(0).name}), not {focus_area(3).name}"
    )
    expect(lowered.filter(has_text="meeting formats")).to_have_text(
        "Offers 1 of your 2 preferred meeting formats (video), not phone"
    )
    # Before: the line under the score listed those two among the good reasons as well. It lists only what fits,
    # as the mentor's card in the list does.
    fits = page.locator(".score + p.reasons")
    expect(fits).to_contain_text("Fits: ")
    expect(fits).not_to_contain_text("focus areas")
    expect(fits).not_to_contain_text("meeting formats")
    said = fits.inner_text()
    page.goto(f"{live_server.url}/mentors/")
    expect(page.locator(".mentor-card .reasons", has_text="Fits:")).to_have_text(said)
    expect(page.locator(".mentor-card .reasons-lowered")).to_contain_text("not phone")


def test_a_request_message_over_the_limit_is_shown_back_whole_with_the_limit_not_cut_short(
    page: Page, live_server: Any, people: dict[str, Any]
) -> None:
    # Before: the textarea's maxlength made the browser cut a pasted message at 2,000 characters without a word, and
    # the request went out with the end of the message missing.
    from matching.models import Match

    log_in(page, live_server.url, "tara@example.org")
    page.goto(f"{live_server.url}/mentors/{people['ana'].pk}/")
    message = page.get_by_label("What do you hope to get from this mentorship?")
    long = " ".join(["I want advice on a cardiology fellowship."] * 60)  # 2,519 characters
    message.fill(long)
    expect(message).to_have_value(long)
    page.get_by_role("button", name="Send request").click()

    expect(message).to_have_accessible_description(re.compile(r"at most 2000 characters \(it has 2519\)"))
    expect(message).to_have_value(long)  # nothing typed is lost
    assert not Match.objects.exists()


def test_back_after_a_request_shows_it_pending_not_the_form_again(
    page: Page, live_server: Any, people: dict[str, Any]
) -> None:
    # Tried: Back from My requests showed the mentor's page as it was before the request (the browser kept it),
    # with the form and "Send request"; sending it again gave a 400 page with that same form and "already has your
    # request", as if the first request had failed.
    from matching.models import Match

    log_in(page, live_server.url, "tara@example.org")
    page.goto(f"{live_server.url}/mentors/{people['ana'].pk}/")
    page.get_by_label("What do you hope to get from this mentorship?").fill("Advice on a cardiology fellowship.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dr Ana Cardio")
    expect(page.get_by_text("You have already requested this mentor")).to_be_visible()
    expect(page.get_by_role("button", name="Send request")).to_have_count(0)
    assert Match.objects.filter(mentor=people["ana"]).count() == 1


def test_the_confirmation_of_a_request_and_a_stale_refusal_are_where_the_focus_lands(
    page: Page, live_server: Any, people: dict[str, Any]
) -> None:
    # Tried: "Your request to … was sent" was printed at the top of My requests, but after the page load focus and
    # a screen reader's reading started at the skip link and the menu: nothing said the request had gone. On a
    # mentor who stopped accepting while the trainee wrote, the refusal was printed with the form again.
    from matching.services.requests import mentor_set_accepting

    log_in(page, live_server.url, "tara@example.org")
    page.goto(f"{live_server.url}/mentors/{people['ana'].pk}/")
    page.get_by_label("What do you hope to get from this mentorship?").fill("Advice on a cardiology fellowship.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your request to Dr Ana Cardio was sent")
    expect(status).to_be_focused()
    page.keyboard.press("Tab")  # and the page goes on from there, not from the top
    expect(page.get_by_role("link", name="Dr Ana Cardio")).to_be_focused()

    page.goto(f"{live_server.url}/mentors/{people['ben'].pk}/")
    page.get_by_label("What do you hope to get from this mentorship?").fill("Advice on internal medicine.")
    mentor_set_accepting(mentor=people["ben"], accepting=False)
    page.get_by_role("button", name="Send request").click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Dr Ben Internist is not accepting new mentees.")
    expect(alert).to_be_focused()
    expect(page.get_by_role("button", name="Send request")).to_have_count(0)
    expect(page.get_by_text("Advice on internal medicine.")).to_be_visible()


def test_after_show_mentors_the_keyboard_is_at_the_results_not_the_top(
    page: Page, live_server: Any, people: dict[str, Any]
) -> None:
    # Tried: "Show mentors" reloaded the page with the focus at the top: a keyboard user tabbed through the menu and
    # every filter again (about twenty stops) to reach the first mentor, and a screen reader never said how many
    # mentors the filters left.
    log_in(page, live_server.url, "tara@example.org")
    page.goto(f"{live_server.url}/mentors/")
    page.get_by_label("Language").select_option(label="English")
    page.get_by_role("button", name="Show mentors").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"language="))
    results = page.get_by_role("heading", name="2 mentors")
    expect(results).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Dr Ana Cardio", exact=True)).to_be_focused()

    page.goto(f"{live_server.url}/mentors/")  # opened from a link or the menu: the page starts at the top
    expect(page.get_by_role("heading", name="4 mentors")).not_to_be_focused()
