"""A coordinator runs a matching round in the admin and approves its proposals, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from matching.models import Match
from matching.tasks import run_round
from tests.factories import CoordinatorFactory, MentorProfileFactory, ProgramFactory, TraineeProfileFactory
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo_program(monkeypatch: pytest.MonkeyPatch) -> Any:
    # The worker runs in the request that starts the round, after its commit (as CELERY_TASK_ALWAYS_EAGER would).
    monkeypatch.setattr(run_round, "delay", lambda round_id: run_round.apply(args=(round_id,)))
    coordinator = CoordinatorFactory(full_name="Cora Coordinator", email="cora@example.org")
    program = ProgramFactory(name="Demo Program", coordinators=[coordinator])
    for name in ("Dr Ana Patel", "Dr Ben Okafor", "Dr Chen Li"):
        MentorProfileFactory(user__full_name=name, capacity=2)
    TraineeProfileFactory.create_batch(5)
    return program


def test_a_coordinator_runs_a_round_and_approves_all_its_proposals(
    page: Page, live_server: Any, demo_program: Any, artifacts_dir: Path
) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/matching/program/{demo_program.pk}/change/")
    page.get_by_label("E-mail address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Run a matching round").click()
    expect(page.get_by_label("Program")).to_have_value(str(demo_program.pk))
    page.get_by_label("Optimal (highest total fit)").check()
    page.get_by_role("button", name="Start the round").click()

    expect(page.get_by_role("heading", name="Quality report")).to_be_visible()
    expect(page.locator("[data-round-bar]")).to_have_attribute("value", "100")
    expect(page.get_by_role("row", name="Trainees matched (of those who could be) 100.0%")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "admin-round.png"), full_page=True)

    page.get_by_role("link", name="Review and approve the 5 proposals").click()
    # The admin's actions script binds the select-all box when the page has loaded; a box ticked before that
    # selects nothing, and the action would then say "Items must be selected" (seen once in CI).
    page.wait_for_url(re.compile(r"/admin/matching/match/\?"), wait_until="load")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_have_text("5 of 5 selected")
    page.get_by_label("Action:").select_option("approve_selected")
    page.get_by_role("button", name="Go", exact=True).click()

    expect(page.locator(".messagelist .success")).to_have_text("Approved 5 matches.")
    assert Match.objects.filter(program=demo_program, status=Match.Status.APPROVED).count() == 5


def test_the_progress_bar_follows_the_worker_stage_by_stage(
    page: Page, live_server: Any, demo_program: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matching.models import MatchingRound
    from matching.services.rounds import round_run

    queued: list[int] = []
    monkeypatch.setattr(run_round, "delay", queued.append)  # no worker: the test plays its part below
    page.goto(f"{live_server.url}/admin/login/?next=/admin/matching/matchinground/add/")
    page.get_by_label("E-mail address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Program").select_option(label="Demo Program")
    page.get_by_role("button", name="Start the round").click()
    expect(page.locator("[data-round-status]")).to_have_text("Queued")

    MatchingRound.objects.filter(pk=queued[0]).update(status="running", stage="scoring", progress=25)
    expect(page.locator("[data-round-bar]")).to_have_attribute("value", "25")
    expect(page.locator("[data-stage='scoring']")).to_have_class("is-current")
    expect(page.locator("[data-stage='loading']")).to_have_class("is-done")

    MatchingRound.objects.filter(pk=queued[0]).update(status="queued")
    round_run(matching_round=MatchingRound.objects.get(pk=queued[0]))
    expect(page.get_by_role("heading", name="Quality report")).to_be_visible()  # the page reloaded when done


def test_a_coordinator_logging_in_on_the_site_goes_from_the_home_page_to_the_waiting_requests(
    page: Page, live_server: Any, demo_program: Any
) -> None:
    from tests.factories import MatchFactory

    MatchFactory(program=demo_program, status="requested", trainee__user__full_name="Rita Requester")
    MatchFactory(program=demo_program, status="requested", trainee__user__full_name="Raj Requester")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Programs you coordinate")).to_be_visible()
    page.get_by_role("link", name="2 requests waiting").click()
    expect(page.get_by_role("link", name="Rita Requester")).to_be_visible()
    expect(page.get_by_role("link", name="Raj Requester")).to_be_visible()


def test_a_coordinator_enrols_a_cohort_from_a_spreadsheet_and_the_round_matches_only_them(
    page: Page, live_server: Any, demo_program: Any, artifacts_dir: Path
) -> None:
    from profiles.models import MentorProfile, TraineeProfile

    demo_program.open_to_all = False
    demo_program.save()
    mentor = MentorProfile.objects.select_related("user").first()
    trainees = list(TraineeProfile.objects.select_related("user")[:2])
    assert mentor is not None
    rows = ["Name\tE-mail\tRole", f"{mentor.user.full_name}\t{mentor.user.email}\tMentor"]
    rows += [f"{t.user.full_name}\t{t.user.email}\tTrainee" for t in trainees]
    page.goto(f"{live_server.url}/admin/login/?next=/admin/matching/program/{demo_program.pk}/change/")
    page.get_by_label("E-mail address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Enrol from a list").click()
    page.get_by_label("Paste rows from a spreadsheet").fill("\n".join([*rows, "nobody@example.org\tTrainee"]))
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator("#roster-problems")).to_contain_text("line 5: nobody@example.org: no account has this")
    page.screenshot(path=str(artifacts_dir / "admin-enrol-problems.png"), full_page=True)

    page.get_by_label("Invite people who cannot take part yet").check()
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".messagelist .success")).to_have_text(
        "Enrolled 2 trainees and 1 mentor in Demo Program. 1 invited: enrolled once they sign up and make "
        "their profile (listed below; those without an account are e-mailed a sign-up link)."
    )
    expect(page.get_by_role("heading", name="Invited, not enrolled yet (1)")).to_be_visible()
    expect(page.get_by_role("row", name="nobody@example.org")).to_contain_text(
        "An account (this address is e-mailed the invitation"
    )
    page.screenshot(path=str(artifacts_dir / "admin-enrol-invited.png"), full_page=True)

    # Withdraw asks first: dismissing keeps the invitation (it went at once, unasked, before).
    withdraw = page.get_by_role("button", name="Withdraw the invitation of nobody@example.org")
    page.once("dialog", lambda dialog: dialog.dismiss())
    withdraw.click()
    expect(page.get_by_role("heading", name="Invited, not enrolled yet (1)")).to_be_visible()

    page.locator(".breadcrumbs").get_by_role("link", name="Demo Program").click()
    page.get_by_role("link", name="Run a matching round").click()
    page.get_by_role("button", name="Start the round").click()
    expect(page.get_by_role("link", name="Review and approve the 2 proposals")).to_be_visible()
    assert {m.trainee_id for m in Match.objects.filter(program=demo_program)} == {t.pk for t in trainees}
