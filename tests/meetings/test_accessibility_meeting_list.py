"""Meetings (/meetings/): each match's links say whose they are. Tried: a mentor with two mentees heard "Match page and
session notes", "Propose a meeting" and "Log a session" twice each in a screen reader's list of links, with nothing to
tell whose was whose (My mentees names them; this page did not)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.accessible_text import read
from tests.factories import approved_match

pytestmark = pytest.mark.django_db


def test_a_mentors_links_name_each_mentee(login: Any, mentor: Any, trainee: Any, outsider: Any) -> None:
    tara = approved_match(mentor=mentor, trainee=trainee)
    oscar = approved_match(mentor=mentor, trainee=outsider)

    html = login(mentor.user).get(reverse("meetings-list")).content.decode()

    links = {(link.name, link.attrs["href"]) for link in read(html, "a")}
    for match, name in ((tara, "Tara Trainee"), (oscar, "Oscar Outsider")):
        assert (f"Match page and session notes with {name}", reverse("meetings-match", args=[match.pk])) in links
        assert (f"Propose a meeting with {name}", reverse("meetings-propose", args=[match.pk])) in links
        assert (f"Log a session with {name}", reverse("meetings-log-create", args=[match.pk])) in links
    # The names are read, not shown: the visible text stays as it was, at the start of each link's name.
    assert '>Propose a meeting<span class="visually-hidden"> with Tara Trainee</span></a>' in html
    assert "Tara Trainee (your mentee)" in html


def test_a_trainees_links_name_the_mentor(login: Any, mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)

    html = login(trainee.user).get(reverse("meetings-list")).content.decode()

    names = [link.name for link in read(html, "a")]
    assert "Match page and session notes with Dr Maya Patel" in names
    assert "Propose a meeting with Dr Maya Patel" in names
    assert not any(name.startswith("Log a session") for name in names)  # the mentor logs sessions
    assert "Dr Maya Patel (your mentor)" in html
    assert reverse("meetings-propose", args=[match.pk]) in html
