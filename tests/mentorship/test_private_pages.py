"""Pages with someone's data are not kept by the browser: hospital workstations are shared."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MeetingFactory, approved_match

pytestmark = pytest.mark.django_db


def test_after_logging_out_on_a_shared_computer_the_next_person_cannot_go_back_to_the_pages(
    login: Any, mentor: Any, trainee: Any, coordinator: Any
) -> None:
    """A page answered without Cache-Control may be kept in the browser's cache and shown again by Back after the
    person logged out. Every answer to a signed-in person now says `no-store` (the admin already did)."""
    match = approved_match(mentor=mentor, trainee=trainee)
    meeting = MeetingFactory(match=match)
    client = login(trainee.user)
    for path in (
        reverse("home"),
        reverse("meetings-detail", args=[meeting.pk]),
        reverse("meetings-ics", args=[meeting.pk]),
        reverse("meetings-match", args=[match.pk]),
        reverse("profiles-me"),
        reverse("notifications-inbox"),
        "/api/v1/me/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path
    match.program.coordinators.add(coordinator)
    export = login(coordinator).get(reverse("admin:matching_program_export", args=[match.program.pk, "roster"]))
    assert export.status_code == 200
    assert "no-store" in export["Cache-Control"]


def test_pages_for_visitors_who_are_not_signed_in_keep_their_caching(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
