"""My profile pages (/me/, /me/trainee/, /me/mentor/) as each persona. The pages only ever act on the signed-in
person's own profiles: there is no id in the URL to point at someone else's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from profiles.models import CareerStage, MeetingFormat, MentorProfile, TraineeProfile
from tests.factories import approved_match, specialty
from tests.profiles.helpers import field_errors, mentor_post, trainee_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/me/", "/me/trainee/", "/me/mentor/", "/me/goals/", "/me/goals/new/"])
def test_anonymous_visitors_are_sent_to_log_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_trainee_sees_their_trainee_profile_and_an_offer_to_mentor(login: Any, trainee: Any) -> None:
    page = login(trainee.user).get("/me/").content.decode()
    assert "Clinical student" in page
    assert "City Medical School" in page
    assert "Edit trainee profile" in page
    assert "Create my mentor profile" in page


def test_a_mentor_sees_their_mentor_profile_and_an_offer_to_be_mentored(login: Any, mentor: Any) -> None:
    page = login(mentor.user).get("/me/").content.decode()
    assert "Cardiology" in page
    assert "Edit mentor profile" in page
    assert "Create my trainee profile" in page


def test_a_coordinator_without_profiles_is_offered_both(login: Any, coordinator: Any) -> None:
    page = login(coordinator).get("/me/").content.decode()
    assert "Create my trainee profile" in page
    assert "Create my mentor profile" in page


def test_the_trainee_form_groups_specialties_under_their_parent(login: Any, coordinator: Any) -> None:
    page = login(coordinator).get("/me/trainee/").content.decode()
    group = page.split('<optgroup label="Internal Medicine">', 1)[1].split("</optgroup>", 1)[0]
    assert "Cardiology" in group
    assert "Pediatric Cardiology" not in group
    assert 'type="checkbox" name="meeting_formats"' in page
    assert '<option value="Asia/Kolkata"' in page


def test_a_person_creates_a_trainee_profile_with_their_choices(login: Any, coordinator: Any) -> None:
    response = login(coordinator).post("/me/trainee/", trainee_post())
    assert response.status_code == 302
    profile = TraineeProfile.objects.get(user=coordinator)
    assert profile.career_stage == CareerStage.CLINICAL_STUDENT
    assert profile.meeting_formats == MeetingFormat.VIDEO | MeetingFormat.PHONE
    assert {s.name for s in profile.specialty_interests.all()} == {"Cardiology", "Internal Medicine"}
    assert {lang.code for lang in profile.languages.all()} == {"en", "es"}
    assert profile.focus_areas.count() == 2


def test_a_first_trainee_profile_leads_to_the_mentors_it_ranks_and_an_edit_back_to_the_profile(
    login: Any, coordinator: Any
) -> None:
    # Tried: a new trainee saved their first profile and landed on it again, one more click from the ranking.
    client = login(coordinator)
    created = client.post("/me/trainee/", trainee_post(), follow=True)
    assert created.redirect_chain == [("/mentors/", 302)]
    assert "Here are the mentors ranked for you" in created.content.decode()
    edited = client.post("/me/trainee/", trainee_post(institution="Hudson Valley"), follow=True)
    assert edited.redirect_chain == [("/me/", 302)]
    assert "Your trainee profile is saved." in edited.content.decode()


def test_the_edit_form_shows_the_saved_meeting_formats_as_ticked_boxes(login: Any, mentor: Any) -> None:
    # The factory mentor meets in person (1) and by video (2) but not by phone (4).
    page = login(mentor.user).get("/me/mentor/").content.decode()
    assert 'name="meeting_formats" value="1" id="id_meeting_formats_0" checked' in page
    assert 'name="meeting_formats" value="2" id="id_meeting_formats_1" checked' in page
    assert 'name="meeting_formats" value="4" id="id_meeting_formats_2">' in page


def test_a_mentor_updates_their_profile(login: Any, mentor: Any) -> None:
    response = login(mentor.user).post("/me/mentor/", mentor_post(capacity="5", accepting_mentees=None))
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.capacity == 5
    assert mentor.accepting_mentees is False
    assert mentor.time_zone == "Europe/London"
    assert [s.name for s in mentor.subspecialties.all()] == ["Interventional Cardiology"]


def test_one_person_can_hold_both_profiles(login: Any, trainee: Any) -> None:
    response = login(trainee.user).post("/me/mentor/", mentor_post(career_stage=str(CareerStage.RESIDENT)))
    assert response.status_code == 302
    assert MentorProfile.objects.filter(user=trainee.user).exists()
    assert TraineeProfile.objects.filter(user=trainee.user).exists()
    page = login(trainee.user).get("/me/").content.decode()
    assert "Edit trainee profile" in page
    assert "Edit mentor profile" in page


def test_editing_my_profile_never_touches_another_persons(login: Any, trainee: Any, outsider: Any) -> None:
    login(outsider.user).post("/me/trainee/", trainee_post(institution="Outsider Institute"))
    trainee.refresh_from_db()
    outsider.refresh_from_db()
    assert trainee.institution == "City Medical School"
    assert outsider.institution == "Outsider Institute"


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("time_zone", {"time_zone": "Mars/Olympus_Mons"}, "is not a known time zone"),
        ("languages", {"languages": None}, "at least one language"),
        ("meeting_formats", {"meeting_formats": None}, "at least one meeting format"),
        ("specialty_interests", {"specialty_interests": None}, "at least one specialty"),
        ("career_stage", {"career_stage": "42"}, "valid choice"),
    ],
)
def test_bad_trainee_input_is_shown_next_to_the_field_and_nothing_is_saved(
    login: Any, coordinator: Any, field: str, changes: dict[str, Any], message: str
) -> None:
    response = login(coordinator).post("/me/trainee/", trainee_post(**changes))
    assert response.status_code == 400  # refused: the page again, with why
    assert any(message in error for error in field_errors(response, field))
    assert f'id="id_{field}_error"' in response.content.decode()
    assert TraineeProfile.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("capacity", {"capacity": "0"}, "at least 1"),
        ("capacity", {"capacity": "50"}, "At most 10"),
        ("time_zone", {"time_zone": "Europe/Atlantis"}, "is not a known time zone"),
        ("languages", {"languages": None}, "at least one language"),
        ("specialty", {"specialty": "999999"}, "valid choice"),
    ],
)
def test_bad_mentor_input_is_refused_and_the_saved_profile_is_unchanged(
    login: Any, mentor: Any, field: str, changes: dict[str, Any], message: str
) -> None:
    response = login(mentor.user).post("/me/mentor/", mentor_post(**changes))
    assert response.status_code == 400  # refused: the page again, with why
    assert any(message in error for error in field_errors(response, field))
    mentor.refresh_from_db()
    assert (mentor.capacity, mentor.time_zone, mentor.institution) == (2, "America/New_York", "City Teaching Hospital")
    assert [lang.code for lang in mentor.languages.all()] == ["en"]
    assert MentorProfile.objects.count() == 1


def test_a_mentor_cannot_lower_their_capacity_below_the_mentees_they_have(login: Any, mentor: Any) -> None:
    # Tried: a mentor with 3 mentees set capacity 1 and "My mentees" then said "3 of 1 places taken".
    mentor.capacity = 3
    mentor.save()
    for _ in range(3):
        approved_match(mentor=mentor)
    response = login(mentor.user).post("/me/mentor/", mentor_post(capacity="1"))
    assert response.status_code == 400  # refused: the page again, with why
    [error] = field_errors(response, "capacity")
    assert "There are 3 current mentees, so the capacity cannot be lower than 3." in error
    assert "untick “Accepting new mentees” instead" in error
    assert 'id="id_capacity_error"' in response.content.decode()
    mentor.refresh_from_db()
    assert (mentor.capacity, mentor.institution) == (3, "City Teaching Hospital")
    assert login(mentor.user).post("/me/mentor/", mentor_post(capacity="3")).status_code == 302


def test_a_mentor_already_over_capacity_can_still_edit_the_rest_of_their_profile(login: Any, mentor: Any) -> None:
    # Older data (or a capacity lowered in the database) can leave 3 mentees on a capacity of 1: only lowering
    # the capacity further is refused, not an edit of the time zone.
    mentor.capacity = 3
    mentor.save()
    for _ in range(3):
        approved_match(mentor=mentor)
    MentorProfile.objects.filter(pk=mentor.pk).update(capacity=1)
    response = login(mentor.user).post("/me/mentor/", mentor_post(capacity="1", time_zone="Europe/London"))
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert (mentor.capacity, mentor.time_zone) == (1, "Europe/London")


def test_a_legacy_time_zone_alias_is_still_accepted(login: Any, coordinator: Any) -> None:
    response = login(coordinator).post("/me/trainee/", trainee_post(time_zone="US/Eastern"))
    assert response.status_code == 302
    assert TraineeProfile.objects.get(user=coordinator).time_zone == "US/Eastern"


def test_a_mentor_subspecialty_equal_to_the_main_specialty_is_dropped(login: Any, mentor: Any) -> None:
    cardiology = str(specialty("Cardiology").pk)
    login(mentor.user).post("/me/mentor/", mentor_post(subspecialties=[cardiology]))
    mentor.refresh_from_db()
    assert mentor.subspecialties.count() == 0


def test_only_a_first_profile_takes_the_browsers_time_zone(login: Any, trainee: Any) -> None:
    from tests.factories import UserFactory

    assert "data-guess-zone" not in login(trainee.user).get("/me/trainee/").content.decode()  # theirs stays
    assert "data-guess-zone" in login(UserFactory()).get("/me/trainee/").content.decode()


def test_a_second_profile_starts_from_what_the_first_says_about_the_person(login: Any, mentor: Any) -> None:
    # Elena (a mentor in New York) opening the trainee profile got an empty form on the browser's zone: one person
    # could end up with two zones, and meetings are shown in "your" zone.
    mentor.time_zone, mentor.institution = "Europe/Lisbon", "City Teaching Hospital"
    mentor.save()
    response = login(mentor.user).get("/me/trainee/")
    initial = response.context["form"].initial
    assert (initial["time_zone"], initial["institution"]) == ("Europe/Lisbon", "City Teaching Hospital")
    assert initial["career_stage"] == mentor.career_stage
    assert [lang.code for lang in initial["languages"]] == [lang.code for lang in mentor.languages.all()]
    assert "focus_areas" not in initial  # a mentor offers them, a trainee seeks them: not the same list
    assert "data-guess-zone" not in response.content.decode()  # their zone is known: no guessing


def test_a_first_profile_shown_again_with_an_error_keeps_the_zone_the_person_chose(login: Any) -> None:
    from tests.factories import UserFactory

    response = login(UserFactory()).post("/me/trainee/", {"time_zone": "America/Chicago"})  # much missing
    assert response.status_code == 400  # refused: the page again, with why
    page = response.content.decode()
    assert "data-guess-zone" not in page  # the browser's zone would replace their choice
    assert '<option value="America/Chicago" selected>' in page
