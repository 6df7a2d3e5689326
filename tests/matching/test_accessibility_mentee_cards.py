"""My mentees and My mentorship: each person is a heading, and each link names whose it is. Tried: with two mentees,
a screen reader's list of links read "Propose a meeting", "Log a session", "Meetings and session notes" twice each,
with nothing to tell whose was whose, and the page had no heading per person to move between."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from tests.accessible_text import names, read
from tests.factories import MatchFactory, MentorProfileFactory, TraineeProfileFactory, approved_match

pytestmark = pytest.mark.django_db


def _section(html: str, heading: str, next_heading: str | None = None) -> str:
    after = html.split(f"<h2>{heading}</h2>")[1]
    return after.split("<h2>")[0] if next_heading is None else after.split(f"<h2>{next_heading}</h2>")[0]


def _end(match: Match) -> None:
    match.status, match.ended_at = Match.Status.ENDED, timezone.now() - timedelta(days=3)
    match.save(update_fields=["status", "ended_at"])


def test_each_mentee_is_a_heading_and_each_link_says_whose_it_is(
    login: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    tara = approved_match(mentor=mentor, trainee=trainee)
    oscar = approved_match(mentor=mentor, trainee=outsider)
    MatchFactory(mentor=mentor, trainee=TraineeProfileFactory(user__full_name="Pia Pending"), status="requested")
    ended = approved_match(mentor=mentor, trainee=TraineeProfileFactory(user__full_name="Eve Ended"))
    _end(ended)

    html = login(mentor.user).get(reverse("matching-my-mentees")).content.decode()

    current = _section(html, "Current mentees", "Awaiting a coordinator")
    assert sorted(names(current, "h3")) == ["Oscar Outsider", "Tara Trainee"]
    assert names(_section(html, "Awaiting a coordinator", "Past mentees"), "h3") == ["Pia Pending"]
    assert names(_section(html, "Past mentees"), "h3") == ["Eve Ended"]
    links = {(link.name, link.attrs["href"]) for link in read(html, "a")}
    for match, name in ((tara, "Tara Trainee"), (oscar, "Oscar Outsider")):
        assert (f"Meetings and session notes with {name}", reverse("meetings-match", args=[match.pk])) in links
        assert (f"Propose a meeting with {name}", reverse("meetings-propose", args=[match.pk])) in links
        assert (f"Log a session with {name}", reverse("meetings-log-create", args=[match.pk])) in links
    assert ("Meetings and session notes with Eve Ended", reverse("meetings-match", args=[ended.pk])) in links
    # The names are read, not shown: the visible text stays as it was, at the start of each link's name.
    assert '>Propose a meeting<span class="visually-hidden"> with Tara Trainee</span></a>' in html


def test_each_mentor_is_a_heading_and_each_link_says_whose_it_is(login: Any, trainee: Any, mentor: Any) -> None:
    maya = approved_match(mentor=mentor, trainee=trainee)
    other = approved_match(mentor=MentorProfileFactory(user__full_name="Dr Omar Other"), trainee=trainee)
    ended = approved_match(mentor=MentorProfileFactory(user__full_name="Dr Eli Earlier"), trainee=trainee)
    _end(ended)

    html = login(trainee.user).get(reverse("matching-my-mentorship")).content.decode()

    assert sorted(names(_section(html, "My mentors", "Past mentorships"), "h3")) == ["Dr Maya Patel", "Dr Omar Other"]
    assert names(_section(html, "Past mentorships", "Open requests"), "h3") == ["Dr Eli Earlier"]
    links = {(link.name, link.attrs["href"]) for link in read(html, "a")}
    for match, name in ((maya, "Dr Maya Patel"), (other, "Dr Omar Other")):
        assert (f"Meetings and session notes with {name}", reverse("meetings-match", args=[match.pk])) in links
        assert (f"Propose a meeting with {name}", reverse("meetings-propose", args=[match.pk])) in links
    assert ("Meetings and session notes with Dr Eli Earlier", reverse("meetings-match", args=[ended.pk])) in links
