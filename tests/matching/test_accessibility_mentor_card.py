"""A mentor card's score is read as words. Tried: `<p class="score" aria-label="Match score 81 out of 100">` — ARIA
names no paragraph, so browsers drop the label and a screen reader read "81 slash 100", or only "81"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.accessible_text import read
from tests.factories import MentorProfileFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_the_score_is_read_as_match_score_n_out_of_100_and_shown_as_n_100(login: Any, trainee: Any) -> None:
    ProgramFactory(open_to_all=True)
    MentorProfileFactory(user__full_name="Zoe Close")

    response = login(trainee.user).get(reverse("matching-directory"))

    card = response.context["directory"].cards[0]
    figure = f"{card.score:.0f}"
    html = response.content.decode()
    scores = [p for p in read(html, "p") if "score" in p.classes]
    assert [p.name for p in scores] == [f"Match score {figure} out of 100"]
    assert "aria-label" not in scores[0].attrs
    # What the eye sees is the figure, hidden from screen readers so it is not read twice.
    assert f'<span aria-hidden="true">{figure}<span class="muted score-max">/100</span></span>' in html
