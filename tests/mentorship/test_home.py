from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_a_newcomer_is_shown_the_three_steps_starting_with_a_trainee_profile(login) -> None:
    from tests.factories import UserFactory

    html = login(UserFactory()).get("/").content.decode()
    assert "Get started in three steps" in html
    assert 'href="/me/trainee/"' in html
    assert 'href="/me/mentor/"' in html


@pytest.mark.django_db
def test_a_trainee_is_pointed_at_the_ranked_directory(trainee, login) -> None:
    html = login(trainee.user).get("/").content.decode()
    assert "Get started" not in html
    assert 'href="/mentors/"' in html
    assert "My mentorship" in html


@pytest.mark.django_db
def test_a_mentor_only_is_pointed_at_their_mentees_and_offered_a_trainee_profile(mentor, login) -> None:
    html = login(mentor.user).get("/").content.decode()
    assert "My mentees" in html
    assert "Add a trainee profile" in html


@pytest.mark.django_db
def test_an_anonymous_visitor_is_invited_to_sign_up(client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/signup/"' in html


@pytest.mark.django_db
def test_a_coordinator_lands_on_their_programs_with_what_waits_not_on_a_trainees_first_steps(
    coordinator, login
) -> None:
    from django.utils import timezone

    from tests.factories import MatchFactory, ProgramFactory

    program = ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator])
    MatchFactory.create_batch(2, program=program, status="requested")
    MatchFactory(program=program, status="proposed")
    MatchFactory(program=program, status="approved", at_risk_since=timezone.now(), at_risk_reason="No meeting")
    MatchFactory(program=program, status="approved")  # fine: not counted anywhere
    MatchFactory(program=ProgramFactory(name="Someone Else's Program"), status="requested")
    ProgramFactory(name="Closed Program", coordinators=[coordinator], is_active=False)

    html = login(coordinator).get("/").content.decode()

    assert "Programs you coordinate" in html
    assert "Surgery Mentoring" in html
    assert "2 requests waiting" in html
    assert "1 proposal to review" in html
    assert "1 at risk" in html
    assert f"?program={program.pk}&amp;status__exact=requested" in html
    assert "Someone Else" not in html
    assert "Closed Program" not in html
    assert "Get started in three steps" not in html
    assert "Taking part yourself?" in html  # a coordinator may still mentor or be mentored


@pytest.mark.django_db
def test_the_coordinators_panel_costs_one_query_however_many_programs(coordinator, login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MatchFactory, ProgramFactory

    client = login(coordinator)
    ProgramFactory(coordinators=[coordinator])
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(4):
        MatchFactory(program=ProgramFactory(coordinators=[coordinator]), status="requested")
    with CaptureQueriesContext(connection) as five:
        html = client.get("/").content.decode()
    assert html.count("1 request waiting") == 4
    assert len(five) == len(one)


@pytest.mark.django_db
def test_a_trainee_who_is_not_staff_sees_no_coordinators_panel(trainee, login) -> None:
    from tests.factories import ProgramFactory

    ProgramFactory(name="Surgery Mentoring", coordinators=[trainee.user])  # staff status is what opens the admin
    html = login(trainee.user).get("/").content.decode()
    assert "Programs you coordinate" not in html


@pytest.mark.django_db
def test_a_trainee_sees_which_requests_and_proposals_wait_for_a_coordinator(trainee, mentor, login) -> None:
    from tests.factories import MatchFactory, MentorProfileFactory

    MatchFactory(trainee=trainee, mentor=mentor, status="requested", origin="request")
    MatchFactory(
        trainee=trainee, mentor=MentorProfileFactory(user__full_name="Dr Round"), status="proposed", origin="round"
    )
    MatchFactory(trainee=trainee, status="declined", origin="request")  # decided: nothing to wait for
    html = login(trainee.user).get("/").content.decode()
    assert html.count(">Waiting</span>") == 2
    assert "request to Dr Maya Patel</a>" in html
    assert "A matching round proposed Dr Round as your mentor" in html


def _buttons(html: str) -> list[tuple[str, str]]:
    """The page's main actions (links styled as buttons), as (address, words), in order."""
    import re

    return [
        (href, " ".join(words.split()))
        for href, words in re.findall(r'<a class="button" href="([^"]+)">(.*?)</a>', html, re.S)
    ]


@pytest.mark.django_db
def test_a_trainee_with_a_mentor_is_led_to_their_mentorship_with_the_directory_a_plain_link(
    trainee, mentor, login
) -> None:
    # Tried: with Dr Maya Patel approved as her mentor, the home page's only button still said "Find a mentor ranked
    # for you", as if she were still looking.
    from tests.factories import approved_match

    approved_match(mentor=mentor, trainee=trainee)
    html = login(trainee.user).get("/").content.decode()
    assert _buttons(html) == [("/mentorship/", "My mentorship with Dr Maya Patel")]
    assert "Find a mentor ranked for you" not in html
    assert '<a href="/mentors/">' in html  # the directory is still one click away


@pytest.mark.django_db
def test_a_trainee_whose_mentorship_ended_is_led_to_the_directory_again(trainee, mentor, login) -> None:
    from tests.factories import MatchFactory

    MatchFactory(trainee=trainee, mentor=mentor, status="ended")
    html = login(trainee.user).get("/").content.decode()
    assert _buttons(html) == [("/mentors/", "Find a mentor ranked for you")]
    assert '<a href="/mentorship/">My mentorship</a>' in html
