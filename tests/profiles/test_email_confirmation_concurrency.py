"""Real row locks on PostgreSQL: a coordinator's edit of a user in the admin and the user opening their
confirmation link at the same moment. The edit reads the stored confirmation under a row lock, so the link's
write waits for the edit and is not overwritten by the edit's stale copy."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import RequestFactory

from mentorship.errors import ApplicationError
from profiles.admin import users as profiles_admin
from profiles.models import User
from profiles.services.email_confirmation import confirmation_token, email_confirm_by_token
from tests.factories import CoordinatorFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _edit_while_the_link_is_opened(monkeypatch, user: User, new_email: str) -> tuple[User, str]:
    """Save `user` through the admin's `save_model` with `new_email`, and open the user's confirmation link
    from another connection between the admin reading the stored confirmation and writing the row; the
    stored user and what the link page would say."""
    token = confirmation_token(user)
    read = threading.Event()
    real = profiles_admin.email_confirmation_before_save

    def before_save_then_pause(*, user: User) -> bool:
        needs_link = real(user=user)
        read.set()
        time.sleep(0.5)  # the link is opened now; without the lock its write lands before ours
        return needs_link

    monkeypatch.setattr(profiles_admin, "email_confirmation_before_save", before_save_then_pause)
    opened: list[str] = []

    def open_link():
        try:
            read.wait(timeout=10)
            email_confirm_by_token(token=token)
            opened.append("confirmed")
        except ApplicationError as error:
            opened.append(error.message)
        finally:
            connection.close()

    request = RequestFactory().post("/admin/")
    request.user = CoordinatorFactory(is_superuser=True)
    request._messages = CookieStorage(request)  # the admin says whether a new link went out
    edited = User.objects.get(pk=user.pk)  # the admin form's copy, read before the link was opened
    edited.email = new_email
    edited.full_name = "Ada Amara-Okafor"
    link = threading.Thread(target=open_link)
    link.start()
    with transaction.atomic():
        form = SimpleNamespace(changed_data=["email", "full_name"])  # what the admin's form would say changed
        profiles_admin.UserAdmin(User, admin.site).save_model(request, edited, form=form, change=True)
    link.join(timeout=30)
    assert len(opened) == 1
    return User.objects.get(pk=user.pk), opened[0]


def test_a_link_opened_while_a_coordinator_edits_the_name_stays_confirmed(monkeypatch):
    user = UserFactory(email="ada@uni.edu", email_confirmed_at=None)
    stored, outcome = _edit_while_the_link_is_opened(monkeypatch, user, new_email="ada@uni.edu")
    assert outcome == "confirmed"
    assert stored.full_name == "Ada Amara-Okafor"
    assert stored.email_confirmed  # fails without the row lock: the edit wrote back its stale "unconfirmed"


def test_a_link_to_the_old_address_opened_while_it_is_changed_confirms_nothing(monkeypatch):
    user = UserFactory(email="ada@uni.edu", email_confirmed_at=None)
    stored, outcome = _edit_while_the_link_is_opened(monkeypatch, user, new_email="ada.amara@uni.edu")
    assert "for an address the account no longer has" in outcome  # the link waited for the change, then saw it
    assert (stored.email, stored.email_confirmed) == ("ada.amara@uni.edu", False)
