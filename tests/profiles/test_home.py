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
