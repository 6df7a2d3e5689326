"""Room between things: buttons side by side keep a gap (also once they wrap on a phone), and a card's content
starts at its padding."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from playwright.sync_api import Locator, Page

from tests.browser.pages import log_in
from tests.factories import MeetingFactory, MentorProfileFactory, TraineeProfileFactory, approved_match

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GAP = 8  # .5rem: what .button-row puts between its buttons, across and down


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def _apart(a: dict[str, float], b: dict[str, float]) -> float:
    """How far apart two boxes are along the axis that separates them (0 or less when they touch or overlap)."""
    return max(
        b["x"] - (a["x"] + a["width"]),
        a["x"] - (b["x"] + b["width"]),
        b["y"] - (a["y"] + a["height"]),
        a["y"] - (b["y"] + b["height"]),
    )


@pytest.fixture
def match() -> Any:
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel", user__email="maya@example.org")
    trainee = TraineeProfileFactory(user__full_name="Tara Trainee", user__email="tara@example.org")
    return approved_match(mentor=mentor, trainee=trainee)


@pytest.mark.parametrize("width", [1280, 375, 300])
def test_buttons_side_by_side_keep_a_gap_also_when_they_wrap(
    page: Page, live_server: Any, match: Any, width: int
) -> None:
    # Tried: "Add to calendar (.ics)" and "Match page" were 4 px apart (a space), and on a narrow phone the match
    # page's buttons wrapped onto a second line that touched the first.
    meeting = MeetingFactory(match=match)
    page.set_viewport_size({"width": width, "height": 800})
    rows = {
        ("maya", f"/meetings/{meeting.pk}/"): ["Add to calendar (.ics)", "Match page"],
        ("maya", f"/meetings/match/{match.pk}/"): ["Propose a meeting", "Log a session"],
        ("tara", "/me/"): ["Edit trainee profile", "My goals (0)"],
    }
    signed_in = ""
    for (who, path), names in rows.items():
        if who != signed_in:
            page.context.clear_cookies()
            log_in(page, live_server.url, f"{who}@example.org")
            signed_in = who
        page.goto(f"{live_server.url}{path}")
        boxes = [_box(page.get_by_role("link", name=name, exact=True)) for name in names]
        for left, right in pairwise(boxes):
            assert _apart(left, right) >= GAP - 0.5, (path, width, left, right)


#: For each card: how far below its padding its first shown child starts, and its first line of text (the top of
#: the letters' line box, or a badge's or button's own box: a line's half-leading, 2-3 px, is the only room
#: expected above them).
CARD_TOPS = """() => [...document.querySelectorAll('.card')].map(card => {
  const style = getComputedStyle(card);
  const inner = card.getBoundingClientRect().top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop);
  const first = [...card.children].find(child => child.getClientRects().length) || card;
  const walker = document.createTreeWalker(first, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  const tops = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.nodeType === Node.ELEMENT_NODE) {  // a badge or a button: its own box, not the smaller text in it
      if (getComputedStyle(node).display.startsWith('inline-')) { tops.push(node.getBoundingClientRect().top); }
      continue;
    }
    if (!node.textContent.trim() || getComputedStyle(node.parentElement).display.startsWith('inline-')) { continue; }
    const text = document.createRange();
    text.selectNodeContents(node);
    tops.push(...[...text.getClientRects()].filter(r => r.width).map(r => r.top));
  }
  return {card: card.className, first: first.tagName, child: Math.round(first.getBoundingClientRect().top - inner),
          text: tops.length ? Math.round(Math.min(...tops) - inner) : 0};
})"""


def test_a_cards_content_starts_at_its_padding(page: Page, live_server: Any, match: Any) -> None:
    # Tried: a card opening with a paragraph or heading started 16-24 px below its padding (the child's top margin
    # inside the card's box), and a mentor card's name and score 6-10 px below it (the 1.5 line height of the
    # large score, which the name is aligned to).
    from tests.factories import ProgramFactory, SessionLogFactory

    ProgramFactory(open_to_all=True)
    MentorProfileFactory.create_batch(2)
    SessionLogFactory(match=match)
    meeting = MeetingFactory(match=match)
    log_in(page, live_server.url, "tara@example.org")
    tops = []
    for path in ["/", "/mentors/", "/mentorship/", f"/meetings/{meeting.pk}/", f"/meetings/match/{match.pk}/"]:
        page.goto(f"{live_server.url}{path}")
        tops += [(path, card) for card in page.evaluate(CARD_TOPS)]
    assert any(card["card"] == "card mentor-card" for _, card in tops)
    too_low = [(path, card) for path, card in tops if not (0 <= card["child"] <= 1 and -3 <= card["text"] <= 3)]
    assert not too_low, "\n".join(map(str, too_low))
