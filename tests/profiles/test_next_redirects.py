"""The hidden `next` field of "Send the link again" and of star/unstar: back to that page, and only to a path.

Before the fix `redirect(next)` took a plain word for a URL name: "foo" was a 500 (NoReverseMatch) and "logout"
was followed as the log-out page's name. These tests failed then (the first ones with NoReverseMatch raised).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("word", ["foo", "logout", "profiles-password-change"])
def test_a_word_as_next_after_sending_the_link_again_goes_to_the_profile(login: Any, word: str) -> None:
    client = login(UserFactory(email_confirmed_at=None))
    response = client.post("/me/confirm-email/", {"next": word})
    assert response.status_code == 302
    assert response["Location"] == reverse("profiles-me")


def test_a_path_as_next_after_sending_the_link_again_goes_back_to_it(login: Any) -> None:
    client = login(UserFactory(email_confirmed_at=None))
    response = client.post("/me/confirm-email/", {"next": "/mentors/?specialty=3"})
    assert response["Location"] == "/mentors/?specialty=3"


@pytest.mark.parametrize("action", ["matching-shortlist-add", "matching-shortlist-remove"])
@pytest.mark.parametrize("word", ["foo", "logout", "https://evil.example/", "//evil.example/"])
def test_a_word_or_another_site_as_next_after_starring_goes_to_the_shortlist(
    login: Any, trainee: Any, mentor: Any, action: str, word: str
) -> None:
    response = login(trainee.user).post(reverse(action, args=[mentor.pk]), {"next": word})
    assert response.status_code == 302
    assert response["Location"] == reverse("matching-shortlist")


def test_starring_from_the_mentor_page_goes_back_to_it(login: Any, trainee: Any, mentor: Any) -> None:
    page = reverse("matching-mentor", args=[mentor.pk]) + "?from=specialty%3D3"
    response = login(trainee.user).post(reverse("matching-shortlist-add", args=[mentor.pk]), {"next": page})
    assert response["Location"] == page
