"""A mentor's page: the whole score breakdown, what lowered it, and the rule when excluded."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.models import Match
from tests.factories import MatchFactory, MentorProfileFactory, ProgramFactory, language, specialty

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db: None) -> Any:
    return ProgramFactory(open_to_all=True)


def test_the_mentor_page_shows_every_component_and_what_lowered_the_score(
    login: Any, trainee: Any, program: Any
) -> None:
    far = MentorProfileFactory(specialty=specialty("Psychiatry"), time_zone="Asia/Tokyo")
    response = login(trainee.user).get(reverse("matching-mentor", args=[far.pk]))
    assert response.status_code == 200
    explanation = response.context["detail"].explanation
    assert [line.name for line in explanation.lines][:4] == ["specialty", "career_stage", "focus_areas", "language"]
    assert explanation.score is not None
    body = response.content.decode()
    for heading in ("Component", "Fit", "Weight", "Points", "Reason"):
        assert f">{heading}</th>" in body
    assert "What lowered it:" in body
    assert "Different specialty from your interests" in body
    # One reason per item: joined by "; " they ran into reasons with a ";" of their own.
    assert "<li>Different specialty from your interests" in body.split("What lowered it:")[1]
    assert "Send request" in body


def test_an_excluded_mentor_page_says_which_rule_and_offers_no_request(login: Any, trainee: Any, program: Any) -> None:
    german = MentorProfileFactory(languages=[language("de")])
    body = login(trainee.user).get(reverse("matching-mentor", args=[german.pk])).content.decode()
    assert "Not listed for you." in body
    assert "No language in common." in body
    assert "Send request" not in body


def test_a_full_mentor_page_says_full_and_offers_no_request(login: Any, trainee: Any, program: Any) -> None:
    full = MentorProfileFactory(capacity=1)
    MatchFactory(mentor=full, program=program, status=Match.Status.APPROVED)
    body = login(trainee.user).get(reverse("matching-mentor", args=[full.pk])).content.decode()
    assert "This mentor is full" in body
    assert "Send request" not in body


def test_a_full_mentor_page_counts_the_places_taken_not_the_capacity_twice(
    login: Any, trainee: Any, program: Any
) -> None:
    # Tried: a mentor left with 3 mentees and capacity 1 (set before capacity was checked) read "Full (1 of 1 taken)".
    over = MentorProfileFactory(capacity=1)
    for _ in range(3):
        MatchFactory(mentor=over, program=program, status=Match.Status.APPROVED)
    body = login(trainee.user).get(reverse("matching-mentor", args=[over.pk])).content.decode()
    assert "Full</span> (3 of 1 taken)" in body


@pytest.mark.parametrize(
    ("status", "says", "link"),
    [
        ("requested", "You have already requested this mentor", "See your requests"),
        ("proposed", "A matching round proposed this mentor for you", "See your requests"),
        ("approved", "This is already your mentor.", "Go to My mentorship"),  # was "See your requests"
    ],
)
def test_a_mentor_i_already_have_a_match_with_says_so_in_words_and_offers_no_request(
    login: Any, trainee: Any, program: Any, status: str, says: str, link: str
) -> None:
    mine = MentorProfileFactory(capacity=3)
    MatchFactory(mentor=mine, trainee=trainee, program=program, status=status)
    body = login(trainee.user).get(reverse("matching-mentor", args=[mine.pk])).content.decode()
    assert says in body
    assert link in body
    assert "Send request" not in body


def test_a_mentor_page_without_a_trainee_profile_has_no_score(login: Any, mentor: Any) -> None:
    other = MentorProfileFactory()
    response = login(mentor.user).get(reverse("matching-mentor", args=[other.pk]))
    assert response.context["detail"].explanation is None
    assert "Fill in your trainee profile" in response.content.decode()


def test_an_unknown_mentor_is_a_404(login: Any, trainee: Any) -> None:
    assert login(trainee.user).get(reverse("matching-mentor", args=[999999])).status_code == 404


def test_a_program_outside_both_people_is_not_offered(login: Any, trainee: Any) -> None:
    ProgramFactory(open_to_all=False)
    mentor = MentorProfileFactory()
    body = login(trainee.user).get(reverse("matching-mentor", args=[mentor.pk])).content.decode()
    assert "You are not in a mentoring program yet" in body  # the trainee is in none
    ProgramFactory(open_to_all=False).trainees.add(trainee)
    body = login(trainee.user).get(reverse("matching-mentor", args=[mentor.pk])).content.decode()
    assert "not in an active program together" in body  # theirs, but not the mentor's


def test_the_explanation_follows_a_profile_change_at_once(login: Any, trainee: Any, program: Any) -> None:
    mentor = MentorProfileFactory()
    client = login(trainee.user)
    assert client.get(reverse("matching-mentor", args=[mentor.pk])).context["detail"].explanation.score is not None
    mentor.languages.set([language("de")])  # no longer shares a language with the trainee
    explanation = client.get(reverse("matching-mentor", args=[mentor.pk])).context["detail"].explanation
    assert explanation.rules == ("no_shared_language",)


def test_a_trainee_with_every_request_in_use_is_told_before_writing_another(
    login: Any, trainee: Any, program: Any
) -> None:
    # The request form was offered; the limit was only mentioned after the message had been written.
    program.max_open_requests = 2
    program.save()
    for _ in range(2):
        MatchFactory(program=program, trainee=trainee, status="requested", origin="request")
    other = MentorProfileFactory(capacity=3)
    body = login(trainee.user).get(reverse("matching-mentor", args=[other.pk])).content.decode()
    assert "You have as many open requests as a program allows (2 in" in body
    assert "Send request" not in body
    # "Cancel one under My requests" named a page the menu does not offer: the link takes her there.
    assert f'<a href="{reverse("matching-requests")}">See your requests</a>' in body


@pytest.mark.parametrize(
    ("name", "needs_mentor_id"),
    [
        ("matching-directory", False),
        ("matching-mentor", True),
        ("matching-shortlist", False),
        ("matching-requests", False),
        ("matching-my-mentorship", False),
    ],
)
def test_every_fill_in_your_trainee_profile_prompt_links_to_the_form(
    name: str, needs_mentor_id: bool, login: Any, mentor: Any, program: Any
) -> None:
    # Tried: five pages told a mentor browsing for a mentor of their own to "Fill in your trainee profile" in plain
    # text, with nothing to click; they had to find My profile in the menu.
    other = MentorProfileFactory()
    url = reverse(name, args=[other.pk]) if needs_mentor_id else reverse(name)
    body = login(mentor.user).get(url).content.decode()
    assert "Fill in your trainee profile</" in body
    assert f'<a href="{reverse("profiles-trainee-edit")}">' in body


def test_my_mentees_without_a_mentor_profile_links_to_the_mentor_form(login: Any, trainee: Any) -> None:
    body = login(trainee.user).get(reverse("matching-my-mentees")).content.decode()
    assert f'<a href="{reverse("profiles-mentor-edit")}">Fill in a mentor profile</a>' in body


def test_a_mentor_page_says_when_and_why_the_last_request_to_them_was_declined(
    login: Any, trainee: Any, program: Any
) -> None:
    # Tried: after a coordinator declined the request ("Dr Patel takes only fellows this term; try Dr Lee"), the
    # mentor's page offered the same empty form as before, with no word of the decline or its reason, so the
    # trainee asked again and waited for the same answer.
    from matching.services.decisions import match_decline
    from matching.services.requests import match_request
    from tests.factories import CoordinatorFactory

    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel")
    coordinator = CoordinatorFactory()
    program.coordinators.add(coordinator)
    match = match_request(trainee=trainee, mentor=mentor, program=program, message="please")
    match_decline(match=match, by=coordinator, reason="Dr Patel takes only fellows this term; try Dr Lee.")

    body = " ".join(login(trainee.user).get(reverse("matching-mentor", args=[mentor.pk])).content.decode().split())
    assert "A coordinator declined your last request to Dr Maya Patel on " in body
    assert "Reason: Dr Patel takes only fellows this term; try Dr Lee." in body
    assert "Send request" in body  # they may still ask again


def test_an_excluded_mentor_page_says_why_there_is_no_score_and_what_the_trainee_can_change(
    login: Any, trainee: Any, program: Any
) -> None:
    # Tried: "Not listed for you. No language in common." over a "score breakdown" adding up to 72 points with no
    # score anywhere, and the same sentence again where the request form would be, with nothing to do about it.
    german = MentorProfileFactory(languages=[language("de")])
    body = " ".join(login(trainee.user).get(reverse("matching-mentor", args=[german.pk])).content.decode().split())
    assert "A rule like this comes before any score, so this mentor has none" in body
    assert body.count("No language in common.") == 1
    assert "You cannot request a mentor a rule rules out for you." in body
    assert f'<a href="{reverse("profiles-trainee-edit")}">update your trainee profile</a>' in body


def test_a_mentor_who_assesses_the_trainee_is_not_a_profile_change_away(login: Any, trainee: Any, program: Any) -> None:
    assessor = MentorProfileFactory()
    assessor.assesses.add(trainee)
    body = " ".join(login(trainee.user).get(reverse("matching-mentor", args=[assessor.pk])).content.decode().split())
    assert "You cannot request a mentor a rule rules out for you." in body
    assert "update your trainee profile" not in body


def _far_dermatologist() -> Any:
    """For a trainee in Asia/Kolkata after cardiology: a mentor who loses points on four components, the fourth
    worst being the time zone (10 h 30 min apart, fit 12%)."""
    from profiles.models import CareerStage
    from tests.factories import focus_area

    return MentorProfileFactory(
        specialty=specialty("Dermatology"),
        focus_areas=[focus_area(5)],
        career_stage=CareerStage.SENIOR,
        time_zone="America/Bogota",  # UTC-5 all year; Kolkata is UTC+5:30 all year
    )


def test_every_row_that_lowered_the_score_is_marked_not_only_the_three_worst(
    login: Any, trainee: Any, program: Any
) -> None:
    # Tried: a mentor who lost points on specialty, focus areas, career stage and time zone (10 h 30 min apart, fit
    # 12%): the breakdown marked only the three worst rows, so the time-zone row, 8 points down, looked unmarked.
    trainee.time_zone = "Asia/Kolkata"
    trainee.save()
    far = _far_dermatologist()
    body = " ".join(login(trainee.user).get(reverse("matching-mentor", args=[far.pk])).content.decode().split())
    assert body.count('<tr class="lowered">') == 4
    time_zone_row = body.split(">Time zone</th>", 1)[1].split("</tr>", 1)[0]
    assert '10 h 30 min apart <span class="badge badge-warn">lowered the score</span>' in time_zone_row
    lowered = body.split("What lowered it:", 1)[1].split("</ul>", 1)[0]
    assert lowered.count("<li>") == 4
    assert "<li>10 h 30 min apart</li>" in lowered


def test_the_line_under_the_score_lists_only_what_fits_as_the_card_does(login: Any, trainee: Any, program: Any) -> None:
    # Tried: an internist an hour away for a trainee after cardiology: under the score the page read "Related
    # specialty (both in Internal Medicine) · … · 1 h apart" while "What lowered it" listed both of those.
    near = MentorProfileFactory(specialty=specialty("Internal Medicine"), time_zone="America/New_York")
    client = login(trainee.user)  # in America/Chicago
    response = client.get(reverse("matching-mentor", args=[near.pk]))
    explanation = response.context["detail"].explanation
    assert {"Related specialty (both in Internal Medicine)", "1 h apart"} <= set(explanation.lowered_by())
    body = " ".join(response.content.decode().split())
    headline = body.split('<span class="muted score-max">/100</span></p>', 1)[1].split("</p>", 1)[0].strip()
    card = client.get(reverse("matching-directory")).context["directory"].cards[0]
    assert headline == f'<p class="reasons"><strong>Fits:</strong> {card.fits}'
    assert card.fits.startswith("Covers your focus area")
    assert "Related specialty" not in headline
    assert "apart" not in headline


def test_a_time_difference_under_an_hour_reads_in_minutes_only(login: Any, trainee: Any, program: Any) -> None:
    # Tried: a mentor in Dhaka (UTC+6) for a trainee in Kolkata (UTC+5:30) read "0 h 30 min apart".
    trainee.time_zone = "Asia/Kolkata"
    trainee.save()
    near = MentorProfileFactory(time_zone="Asia/Dhaka")
    body = login(trainee.user).get(reverse("matching-mentor", args=[near.pk])).content.decode()
    assert "30 min apart" in body
    assert "0 h" not in body


def test_the_day_a_request_was_declined_is_the_day_in_the_trainees_zone(login: Any, trainee: Any, program: Any) -> None:
    # Tried: a New York trainee whose request was declined at 8:30 pm on 5 March (01:30 UTC on 6 March) read
    # "declined your last request … on 6 Mar 2026": the day in UTC, not theirs.
    from datetime import UTC, datetime

    trainee.time_zone = "America/New_York"
    trainee.save()
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel")
    MatchFactory(
        trainee=trainee,
        mentor=mentor,
        program=program,
        status=Match.Status.DECLINED,
        decided_at=datetime(2026, 3, 6, 1, 30, tzinfo=UTC),
        decision_reason="Only fellows this term.",
    )
    body = " ".join(login(trainee.user).get(reverse("matching-mentor", args=[mentor.pk])).content.decode().split())
    assert "A coordinator declined your last request to Dr Maya Patel on 5 Mar 2026." in body
