"""The mentor directory (/mentors/): ranked for the trainee, filtered, paginated, constant queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Match
from profiles.models import CareerStage, MeetingFormat
from tests.factories import (
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    focus_area,
    language,
    specialty,
)

pytestmark = pytest.mark.django_db
URL = reverse("matching-directory")


def names(response: Any) -> list[str]:
    return [card.mentor.user.full_name for card in response.context["directory"].cards]


@pytest.fixture
def program(db: None) -> Any:
    return ProgramFactory(open_to_all=True)


def test_a_trainee_sees_mentors_ranked_best_first_with_reasons(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory(user__full_name="Aaron Far", specialty=specialty("Psychiatry"), time_zone="Asia/Tokyo")
    MentorProfileFactory(user__full_name="Zoe Close", specialty=specialty("Cardiology"))
    response = login(trainee.user).get(URL)
    assert response.status_code == 200
    assert names(response) == ["Zoe Close", "Aaron Far"]
    card = response.context["directory"].cards[0]
    assert card.score > response.context["directory"].cards[1].score
    assert "Same specialty (Cardiology)" in card.reasons
    body = response.content.decode()
    assert "Same specialty (Cardiology)" in body
    assert "Why is a mentor not listed?" in body


def test_a_low_ranked_card_says_what_lowered_its_score_not_only_what_fits(
    login: Any, trainee: Any, program: Any
) -> None:
    # Tried: a dermatologist at 27/100 for a trainee after cardiology read "Speaks English · same time zone ·
    # meets the way you prefer (video)", only what fitted; a trainee could not tell from the list why the score
    # was low, and "mentor is 6 stages ahead; 2 is ideal" sat among those reasons as if it were one more.
    MentorProfileFactory(
        user__full_name="Dora Derm",
        specialty=specialty("Dermatology"),
        focus_areas=[focus_area(5)],
        career_stage=CareerStage.SENIOR,
    )
    body = re.sub(r"<[^>]+>", "", text(login(trainee.user).get(URL)))
    fits = body.split("Fits: ")[1].split("What lowered it: ")[0]
    lowered = body.split("What lowered it: ")[1].split("Why this score")[0]
    assert fits.startswith("Speaks English · ")
    assert "meets the way you prefer (video)" in fits
    assert "stages ahead" not in fits
    assert lowered.startswith("Different specialty from your interests · ")
    assert "no shared focus areas" in lowered
    assert "senior attending, 7 stages ahead of you; your program prefers mentors 2 stages ahead" in lowered


def test_a_fourth_reason_that_cost_points_is_never_listed_as_a_fit(login: Any, trainee: Any, program: Any) -> None:
    # Tried: a dermatologist 10 h 30 min from the trainee (time-zone fit 12%), who also lost on specialty, focus
    # areas and career stage. "What lowered it" keeps the three worst, and "Fits" dropped only those three, so the
    # fourth, "10 h 30 min apart", was listed under "Fits" as a reason to choose the mentor.
    trainee.time_zone = "Asia/Kolkata"  # UTC+5:30, no daylight saving
    trainee.save()
    MentorProfileFactory(
        specialty=specialty("Dermatology"),
        focus_areas=[focus_area(5)],
        career_stage=CareerStage.SENIOR,
        time_zone="America/Bogota",  # UTC-5, no daylight saving: 10 h 30 min apart
    )
    body = re.sub(r"<[^>]+>", "", text(login(trainee.user).get(URL)))
    fits = body.split("Fits: ")[1].split("What lowered it: ")[0].strip()
    lowered = body.split("What lowered it: ")[1].split("Why this score")[0].strip()
    assert fits == "Speaks English · meets the way you prefer (video)"
    assert "apart" not in fits
    assert lowered.count(" · ") == 2  # the card's short line keeps the three that cost the most
    assert "apart" not in lowered


def test_mentors_a_hard_rule_excludes_are_not_listed(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory(user__full_name="Listed Mentor")
    MentorProfileFactory(user__full_name="Speaks Only German", languages=[language("de")])
    MentorProfileFactory(user__full_name="Same Stage", career_stage=CareerStage.CLINICAL_STUDENT)
    assessor = MentorProfileFactory(user__full_name="Grades Tara")
    assessor.assesses.add(trainee)
    MentorProfileFactory(user__full_name="Not Accepting", accepting_mentees=False)
    assert names(login(trainee.user).get(URL)) == ["Listed Mentor"]


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def test_with_no_filter_in_use_an_empty_list_says_which_rules_left_everyone_out(
    login: Any, trainee: Any, program: Any
) -> None:
    # Tried: a trainee who speaks only German, with no filter set, read "No mentor matches these filters. Try
    # removing one." The page now counts, among the mentors accepting new mentees, who each rule leaves out.
    trainee.languages.set([language("de")])
    MentorProfileFactory()
    MentorProfileFactory()
    MentorProfileFactory(career_stage=CareerStage.CLINICAL_STUDENT)
    MentorProfileFactory(accepting_mentees=False, languages=[language("de")])
    response = login(trainee.user).get(URL)
    assert names(response) == []
    body = text(response)
    assert "No mentor matches these filters" not in body
    assert (
        "No mentor can be matched with you: of the 3 mentors accepting new mentees, 3 share no language with you "
        "and 1 is not further along in their career than you (1 for more than one reason)." in body
    )
    assert 'href="/me/trainee/">update your trainee profile</a>' in body


def test_with_nobody_accepting_the_empty_list_says_so(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory(accepting_mentees=False)
    body = text(login(trainee.user).get(URL))
    assert "No mentor is accepting new mentees right now." in body
    assert "update your trainee profile" not in body


def test_with_a_filter_in_use_an_empty_list_suggests_removing_one(login: Any, trainee: Any, program: Any) -> None:
    trainee.languages.set([language("de")])
    MentorProfileFactory()
    body = text(login(trainee.user).get(URL, {"language": language("es").pk}))
    assert "No mentor matches these filters. Try removing one;" in body
    assert "No mentor can be matched with you" not in body


def test_searching_the_name_of_a_mentor_a_rule_rules_out_says_so_rather_than_only_to_remove_filters(
    login: Any, trainee: Any, program: Any
) -> None:
    # "Try removing one" alone: removing the search would not list her either (she shares no language).
    MentorProfileFactory()
    MentorProfileFactory(user__full_name="Dr Ines Nakamura", languages=[language("ja")])
    response = login(trainee.user).get(URL, {"q": "Nakamura"})
    body = text(response)
    assert "whom a rule rules out for you, is not listed whatever you search" in body
    assert 'href="#why-not-listed"' in response.content.decode()
    assert 'id="why-not-listed"' in response.content.decode()


def test_a_mentor_whose_account_is_deactivated_is_neither_listed_nor_shown(
    login: Any, trainee: Any, program: Any
) -> None:
    client = login(trainee.user)
    left = MentorProfileFactory(user__full_name="Left The Hospital")
    MentorProfileFactory(user__full_name="Still Here")
    assert names(client.get(URL)) == ["Left The Hospital", "Still Here"]  # the arrays are now cached with both

    left.user.is_active = False
    left.user.save()

    assert names(client.get(URL)) == ["Still Here"]
    assert client.get(reverse("matching-mentor", args=[left.pk])).status_code == 404


def test_a_trainee_with_a_mentor_in_every_program_browses_without_request_links(
    login: Any, trainee: Any, mentor: Any, program: Any
) -> None:
    MentorProfileFactory(user__full_name="Another Mentor")
    client = login(trainee.user)
    assert all(card.can_request for card in client.get(URL).context["directory"].cards)

    MatchFactory(trainee=trainee, mentor=mentor, program=program, status=Match.Status.APPROVED)
    response = client.get(URL)

    assert not any(card.can_request for card in response.context["directory"].cards)
    body = response.content.decode()
    assert f"You already have a mentor in {program}" in body
    assert "· request" not in body


def test_a_card_offers_a_request_only_where_the_trainee_has_no_mentor_yet_and_the_mentor_takes_part(
    login: Any, trainee: Any, mentor: Any
) -> None:
    first = ProgramFactory(name="First", open_to_all=False)
    second = ProgramFactory(name="Second", open_to_all=False)
    only_first = MentorProfileFactory(user__full_name="Only In First")
    in_second = MentorProfileFactory(user__full_name="In Second")
    first.trainees.add(trainee)
    second.trainees.add(trainee)
    first.mentors.add(mentor, only_first)
    second.mentors.add(in_second)
    MatchFactory(trainee=trainee, mentor=mentor, program=first, status=Match.Status.APPROVED)

    cards = login(trainee.user).get(URL).context["directory"].cards

    assert {card.mentor.user.full_name: card.can_request for card in cards} == {
        "Dr Maya Patel": False,  # already her mentor
        "Only In First": False,  # her mentor in First is Dr Maya Patel; this one is in no other program of hers
        "In Second": True,
    }


def test_a_card_says_in_words_where_the_trainee_stands_with_that_mentor(login: Any, trainee: Any, program: Any) -> None:
    # Tried: the card read "Your match: requested" (the status's code name) after sending a request.
    asked = MentorProfileFactory(user__full_name="Ana Asked")
    MatchFactory(
        program=program, trainee=trainee, mentor=asked, status=Match.Status.REQUESTED, origin=Match.Origin.REQUEST
    )
    body = login(trainee.user).get(URL).content.decode()
    card = body.split("Ana Asked", 1)[1].split("</article>", 1)[0]
    assert "You requested this mentor · with a coordinator" in card
    assert "Your match:" not in body


def test_a_full_mentor_is_listed_as_full_without_a_request_link(login: Any, trainee: Any, program: Any) -> None:
    full = MentorProfileFactory(user__full_name="Full Mentor", capacity=1)
    MatchFactory(mentor=full, status=Match.Status.APPROVED, program=program)
    response = login(trainee.user).get(URL)
    card = response.context["directory"].cards[0]
    assert card.is_full
    assert not card.can_request
    assert ">Full<" in response.content.decode()
    assert "· request" not in response.content.decode()


def test_without_a_trainee_profile_the_list_is_alphabetical_with_a_prompt(login: Any, mentor: Any) -> None:
    MentorProfileFactory(user__full_name="Zed Mentor")
    MentorProfileFactory(user__full_name="Abe Mentor")
    response = login(mentor.user).get(URL)
    assert names(response) == ["Abe Mentor", "Zed Mentor"]  # the mentor themself is not listed
    assert response.context["directory"].ranked is False
    assert "Fill in your trainee profile" in response.content.decode()
    assert all(card.score is None for card in response.context["directory"].cards)


def test_an_anonymous_visitor_is_sent_to_log_in(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_choosing_a_specialty_includes_its_sub_specialties(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory(user__full_name="Cardiologist", specialty=specialty("Cardiology"))
    MentorProfileFactory(user__full_name="Internist", specialty=specialty("Internal Medicine"))
    sub = MentorProfileFactory(user__full_name="Pediatrician With Cardio Sub", specialty=specialty("Pediatrics"))
    sub.subspecialties.set([specialty("Nephrology")])
    MentorProfileFactory(user__full_name="Surgeon", specialty=specialty("General Surgery"))
    response = login(trainee.user).get(URL, {"specialty": specialty("Internal Medicine").pk})
    assert sorted(names(response)) == ["Cardiologist", "Internist", "Pediatrician With Cardio Sub"]
    response = login(trainee.user).get(URL, {"specialty": specialty("Cardiology").pk})
    assert names(response) == ["Cardiologist"]


def test_filters_combine(login: Any, trainee: Any, program: Any) -> None:
    trainee.languages.add(language("es"))
    MentorProfileFactory(user__full_name="Spanish Cardiologist", languages=[language("es"), language("en")])
    MentorProfileFactory(user__full_name="English Cardiologist")
    MentorProfileFactory(
        user__full_name="Spanish Surgeon", specialty=specialty("General Surgery"), languages=[language("es")]
    )
    query = {"specialty": specialty("Internal Medicine").pk, "language": language("es").pk}
    assert names(login(trainee.user).get(URL, query)) == ["Spanish Cardiologist"]


def test_focus_stage_format_search_and_free_place_filters(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory(
        user__full_name="Research Senior",
        focus_areas=[focus_area(3)],
        career_stage=CareerStage.SENIOR,
        meeting_formats=MeetingFormat.PHONE,
        bio="Outcomes research in heart failure",
        institution="Lakeside University",
    )
    full = MentorProfileFactory(user__full_name="Busy Mid", focus_areas=[focus_area(0)], capacity=1)
    MatchFactory(mentor=full, status=Match.Status.APPROVED, program=program)
    client = login(trainee.user)
    assert names(client.get(URL, {"focus_area": focus_area(3).pk})) == ["Research Senior"]
    assert names(client.get(URL, {"career_stage": CareerStage.MID_CAREER})) == ["Busy Mid"]
    assert names(client.get(URL, {"meeting_format": MeetingFormat.PHONE})) == ["Research Senior"]
    assert names(client.get(URL, {"q": "heart failure"})) == ["Research Senior"]
    assert names(client.get(URL, {"q": "lakeside"})) == ["Research Senior"]
    assert names(client.get(URL, {"q": "busy"})) == ["Busy Mid"]
    assert names(client.get(URL, {"has_free_place": "on"})) == ["Research Senior"]


def test_time_zone_distance_filter_counts_from_the_trainees_zone(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory(user__full_name="Chicago", time_zone="America/Chicago")
    MentorProfileFactory(user__full_name="New York", time_zone="America/New_York")
    MentorProfileFactory(user__full_name="Tokyo", time_zone="Asia/Tokyo")
    client = login(trainee.user)  # the trainee lives in America/Chicago
    assert names(client.get(URL, {"max_hours_apart": 0})) == ["Chicago"]
    assert sorted(names(client.get(URL, {"max_hours_apart": 1}))) == ["Chicago", "New York"]


def test_the_hours_apart_filter_without_a_trainee_profile_says_why_and_lists_nobody(login: Any, mentor: Any) -> None:
    # Tried: the demo mentor (no trainee profile) asked for mentors at most 1 hour apart: the filter was ignored
    # without a word, Tokyo was listed, and the page said the filters were in use.
    MentorProfileFactory(user__full_name="Tokyo", time_zone="Asia/Tokyo")
    response = login(mentor.user).get(URL, {"max_hours_apart": 1})
    assert response.status_code == 200
    assert names(response) == []
    assert response.context["directory"].errors == {
        "max_hours_apart": ["Fill in your trainee profile (time zone) to use this filter."]
    }
    body = text(response)
    assert "<li>Fill in your trainee profile (time zone) to use this filter.</li>" in body
    assert f'<a href="{reverse("profiles-trainee-edit")}">Fill in your trainee profile</a> to filter by' in body
    assert "No mentor matches these filters" not in body


def test_a_bad_filter_value_is_reported_not_crashed(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory()
    response = login(trainee.user).get(URL, {"max_hours_apart": "99", "specialty": "999999"})
    assert response.status_code == 200
    assert response.context["directory"].errors.keys() == {"max_hours_apart", "specialty"}
    assert names(response) == []
    page = response.content.decode()
    assert "A filter is not valid (2): see the message by it in Filters." in page
    assert "max_hours_apart:" not in page  # each error once, by its filter, not again under its raw name
    assert page.count("Select a valid choice") == 1


def test_the_list_is_paginated_by_twenty_and_keeps_filters_in_links(login: Any, trainee: Any, program: Any) -> None:
    MentorProfileFactory.create_batch(23)
    client = login(trainee.user)
    first = client.get(URL, {"language": language("en").pk})
    assert len(first.context["directory"].cards) == 20
    assert f"language={language('en').pk}&amp;page=2" in first.content.decode()
    second = client.get(URL, {"language": language("en").pk, "page": 2})
    assert len(second.context["directory"].cards) == 3
    # By id: the factory gives Faker names, which can repeat.
    ids = [{card.mentor.pk for card in page.context["directory"].cards} for page in (first, second)]
    assert not ids[0] & ids[1]


@pytest.mark.parametrize(("asked", "shown"), [("0", 1), ("-3", 1), ("two", 1), ("", 1), ("2", 2), ("99", 2)])
def test_a_page_number_below_one_or_not_a_number_shows_the_first_page_and_one_past_the_end_the_last(
    login: Any, trainee: Any, program: Any, asked: str, shown: int
) -> None:
    # Tried: ?page=0 and ?page=-3 showed the last page (Django's get_page treats every bad number as "too far").
    MentorProfileFactory.create_batch(23)
    response = login(trainee.user).get(URL, {"page": asked})
    assert response.status_code == 200
    assert response.context["directory"].page.number == shown
    assert f"Page {shown} of 2" in text(response)


def _directory_queries(client: Any, mentors: int) -> int:
    from profiles.models import MentorProfile

    missing = mentors - MentorProfile.objects.count()
    for i in range(missing):
        MentorProfileFactory(capacity=1 + i % 3)
    client.get(URL)  # warm the mentor-array cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"specialty": specialty("Internal Medicine").pk, "has_free_place": "on"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queries_per_page_do_not_grow_with_the_number_of_mentors(login: Any, trainee: Any, program: Any) -> None:
    client = login(trainee.user)
    with_5 = _directory_queries(client, 5)
    with_50 = _directory_queries(client, 50)
    assert with_5 == with_50
    assert with_50 <= 20


def test_a_trainee_in_no_program_is_told_why_no_mentor_can_be_requested_and_what_to_do(
    login: Any, trainee: Any
) -> None:
    # Tried: with no active program open to them, every card said "Why this score" with no way to request and the
    # list said nothing about it; only a mentor's page said "You and this mentor are not in an active program
    # together", which reads as something about that one mentor and gave no next step.
    mentor = MentorProfileFactory(user__full_name="Dr Solo")
    client = login(trainee.user)
    body = text(client.get(URL))
    assert "You are not in a mentoring program yet" in body
    assert "a program coordinator enrols you" in body
    detail = text(client.get(reverse("matching-mentor", args=[mentor.pk])))
    assert "You are not in a mentoring program yet" in detail
    assert "not in an active program together" not in detail


def test_with_every_request_in_use_the_list_says_so_and_no_card_offers_a_request(login: Any, trainee: Any) -> None:
    # Tried: with as many open requests as the program allows, every card still said "Why this score · request";
    # only on a mentor's page, after reading the whole breakdown, did the trainee learn they could not ask.
    from matching.services.requests import match_request

    program = ProgramFactory(name="Residents 2026", open_to_all=True, max_open_requests=1)
    asked = MentorProfileFactory(user__full_name="Dr Asked")
    MentorProfileFactory(user__full_name="Dr Other")
    match_request(trainee=trainee, mentor=asked, program=program, message="please")

    response = login(trainee.user).get(URL)
    assert {card.mentor.user.full_name: card.can_request for card in response.context["directory"].cards} == {
        "Dr Asked": False,
        "Dr Other": False,
    }
    body = text(response)
    assert "You have as many open requests as a program allows (1 in Residents 2026)." in body
    assert "Why this score · request" not in body
