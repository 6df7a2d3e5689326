"""The inbox's "Mark as read" button is called what it shows, then which message (WCAG 2.5.3, label in name). Tried:
aria-label="Mark “…” as read" put the subject between "Mark" and "as read", so "click Mark as read" said aloud
to voice control matched no button."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.accessible_text import read
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_each_mark_as_read_button_starts_with_its_visible_text_and_names_the_message(login: Any, trainee: Any) -> None:
    NotificationFactory(recipient=trainee.user)
    NotificationFactory(recipient=trainee.user)

    html = login(trainee.user).get(reverse("notifications-inbox")).content.decode()

    paragraphs = [p.name for p in read(html, "p")]  # each message's subject is in its first line
    buttons = [button for button in read(html, "button") if button.name.startswith("Mark as read")]
    assert len(buttons) == 2
    for button in buttons:
        assert "aria-label" not in button.attrs
        subject = button.name.removeprefix("Mark as read: ")
        assert subject
        assert subject != button.name
        assert any(subject in line for line in paragraphs), (subject, paragraphs)
    assert '>Mark as read<span class="visually-hidden">: ' in html
