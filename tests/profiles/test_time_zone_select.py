"""The profile forms' time-zone select offers the zone a person has, whatever it is.

The select lists UTC and the zones of eight regions, but the forms, the API and the admin accept any IANA zone
(legacy aliases too). A person whose zone was not in the list saw the select on its first option, Africa/Abidjan,
and saving anything else on the page stored that zone instead of theirs (tests/browser/test_profile_time_zone.py
does that in Chromium)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from profiles.models import MentorProfile, TraineeProfile
from tests.factories import MentorProfileFactory, TraineeProfileFactory, UserFactory
from tests.profiles.helpers import mentor_post, trainee_post

pytestmark = pytest.mark.django_db

ZONES_OUTSIDE_THE_LIST = ["UTC", "US/Eastern", "Etc/GMT+5", "Canada/Eastern"]
PAGES = [("/me/trainee/", TraineeProfileFactory), ("/me/mentor/", MentorProfileFactory)]


def selected_zones(page: str) -> list[str]:
    select = page.split('<select name="time_zone"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def offered_zones(page: str) -> list[str]:
    select = page.split('<select name="time_zone"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.mark.parametrize(("path", "factory"), PAGES)
@pytest.mark.parametrize("zone", ZONES_OUTSIDE_THE_LIST)
def test_a_person_sees_their_own_zone_chosen_even_when_the_list_leaves_it_out(
    login: Any, path: str, factory: Any, zone: str
) -> None:
    profile = factory(time_zone=zone)
    page = login(profile.user).get(path).content.decode()
    assert selected_zones(page) == [zone]
    assert offered_zones(page).count(zone) == 1


@pytest.mark.parametrize("zone", ZONES_OUTSIDE_THE_LIST)
def test_a_zone_set_through_the_api_is_the_one_the_mentor_form_shows(login: Any, mentor: Any, zone: str) -> None:
    api = APIClient()
    api.force_authenticate(mentor.user)
    response = api.patch("/api/v1/me/", {"mentor_profile": {"time_zone": zone}}, format="json")
    assert response.status_code == 200, response.content
    assert selected_zones(login(mentor.user).get("/me/mentor/").content.decode()) == [zone]


@pytest.mark.parametrize("path", ["/me/trainee/", "/me/mentor/"])
def test_utc_is_offered_to_everyone(login: Any, coordinator: Any, path: str) -> None:
    assert "UTC" in offered_zones(login(coordinator).get(path).content.decode())


def test_a_mentor_on_new_york_time_can_choose_utc(login: Any, mentor: Any) -> None:
    response = login(mentor.user).post("/me/mentor/", mentor_post(time_zone="UTC"))
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.time_zone == "UTC"


def test_a_zone_in_the_list_is_offered_once(login: Any, trainee: Any) -> None:
    page = login(trainee.user).get("/me/trainee/").content.decode()
    assert selected_zones(page) == ["America/Chicago"]
    assert offered_zones(page).count("America/Chicago") == 1


def test_an_unrelated_change_sent_back_with_the_shown_zone_keeps_a_utc_mentors_zone(login: Any) -> None:
    mentor = MentorProfileFactory(time_zone="UTC")
    client = login(mentor.user)
    [shown] = selected_zones(client.get("/me/mentor/").content.decode())
    assert client.post("/me/mentor/", mentor_post(capacity="4", time_zone=shown)).status_code == 302
    mentor.refresh_from_db()
    assert (mentor.capacity, mentor.time_zone) == (4, "UTC")


def test_a_legacy_zone_posted_with_an_error_elsewhere_is_shown_again_chosen(login: Any, mentor: Any) -> None:
    response = login(mentor.user).post("/me/mentor/", mentor_post(time_zone="Etc/GMT+5", capacity="0"))
    assert response.status_code == 400  # refused: the page again, with why
    assert selected_zones(response.content.decode()) == ["Etc/GMT+5"]
    mentor.refresh_from_db()
    assert mentor.time_zone == "America/New_York"


def test_a_first_trainee_profile_shown_again_with_an_error_keeps_a_legacy_zone(login: Any) -> None:
    user = UserFactory()
    response = login(user).post("/me/trainee/", trainee_post(time_zone="Canada/Eastern", languages=None))
    assert response.status_code == 400  # refused: the page again, with why
    assert selected_zones(response.content.decode()) == ["Canada/Eastern"]
    assert not TraineeProfile.objects.filter(user=user).exists()


def test_what_is_not_a_zone_is_refused_and_never_offered(login: Any, mentor: Any) -> None:
    response = login(mentor.user).post("/me/mentor/", mentor_post(time_zone="Mars/Olympus_Mons"))
    assert response.status_code == 400  # refused: the page again, with why
    assert "Mars/Olympus_Mons" not in offered_zones(response.content.decode())
    assert MentorProfile.objects.get(pk=mentor.pk).time_zone == "America/New_York"


def test_a_second_profile_starts_on_the_first_ones_legacy_zone(login: Any) -> None:
    trainee = TraineeProfileFactory(time_zone="US/Eastern")
    assert selected_zones(login(trainee.user).get("/me/mentor/").content.decode()) == ["US/Eastern"]
