"""`signed_in_user`, the one helper that hands pages, the admin and the API their signed-in person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from profiles.access import signed_in_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_hands_on_the_signed_in_person() -> None:
    request = RequestFactory().get("/")
    request.user = person = UserFactory()

    assert signed_in_user(request) == person


def test_it_refuses_an_anonymous_request_instead_of_passing_it_on() -> None:
    # Before: five copies; one asserted (gone under python -O), two cast AnonymousUser to User unchecked, so a
    # view reached without login_required would filter by an anonymous user instead of refusing.
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied):
        signed_in_user(request)
