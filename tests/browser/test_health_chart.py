"""The program health page's charts in a real browser: every mentor's name can be read, however long."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.factories import CoordinatorFactory, MentorProfileFactory, ProgramFactory, approved_match
from tests.factories.profiles import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG = "Dr Maria-Alejandra Konstantinopoulou-Whitfield de la Fuente"
TWIN = "Dr Claire Thompson"
TWIN_EMAIL = "claire.thompson.cardiology@university-hospital-of-somewhere.example.org"


@pytest.fixture
def program() -> Any:
    coordinator = CoordinatorFactory(email="cora@example.org")
    program = ProgramFactory(name="Demo Program", coordinators=[coordinator])
    approved_match(mentor=MentorProfileFactory(user__full_name=LONG, capacity=3), program=program)
    # Two mentors with one name are told apart by their e-mail: the longest labels the chart gets.
    approved_match(mentor=MentorProfileFactory(user__full_name=TWIN, user__email=TWIN_EMAIL), program=program)
    approved_match(mentor=MentorProfileFactory(user__full_name=TWIN), program=program)
    approved_match(mentor=MentorProfileFactory(user__full_name="Dr Li"), program=program)
    return program


LABELS = """() => {
  const svg = document.querySelector('figure[data-chart="load"] svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text.label')].map(t => {
    const b = t.getBBox();
    const title = t.querySelector('title');
    const lines = [...t.querySelectorAll('tspan')].map(s => s.textContent);
    if (!lines.length) { lines.push(t.textContent); }
    return {lines: lines, full: title ? title.textContent : lines.join(' '),
            left: b.x * scale, right: (b.x + b.width) * scale,
            bars: svg.querySelector('rect.bar').x.baseVal.value * scale,
            fontPx: parseFloat(getComputedStyle(t).fontSize) * scale};
  });
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_long_mentor_names_in_the_load_chart_stay_inside_it_with_the_full_name_on_hand(
    page: Page, live_server: Any, program: Any, artifacts_dir: Path, width: int
) -> None:
    # Before: labels were right-aligned at x=174 with nothing to stop them, so a long name ran off the chart's
    # left edge ("…poulou-Whitfield de la Fuente") and two same-named mentors' e-mails were cut the same way;
    # on a phone the whole chart shrank to a 5-pixel font
    # and ran off the screen's right edge.
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/matching/program/{program.pk}/health/")
    page.get_by_label("E-mail address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector('figure[data-chart="load"] svg')
    page.locator('figure[data-chart="load"]').screenshot(path=str(artifacts_dir / f"health-chart-{width}.png"))

    # The chart stays inside its section: before, the figure's default 40 px side margin pushed it past the right
    # edge (25 px past a phone's screen with the demo data).
    overhang = page.evaluate(
        """(() => { const f = document.querySelector('figure[data-chart="load"]');
                    return f.getBoundingClientRect().right - f.closest('section').getBoundingClientRect().right; })()"""
    )
    assert overhang <= 0

    labels = page.evaluate(LABELS)
    fulls = {label["full"] for label in labels}
    assert len(labels) == 4
    assert {LONG, f"{TWIN} ({TWIN_EMAIL})", "Dr Li"} <= fulls
    for label in labels:
        # Inside the chart, left of the bars, in a font a person can read.
        assert label["left"] >= 0, label
        assert label["right"] <= label["bars"], label
        assert label["fontPx"] >= 9, label
        # What is shown is the name's beginning, over at most two lines; the rest is in the label's title.
        shown = " ".join(label["lines"])
        assert len(label["lines"]) <= 2
        assert label["full"].startswith(shown.removesuffix("…")), label
    short = next(label for label in labels if label["full"] == "Dr Li")
    assert short["lines"] == ["Dr Li"]
