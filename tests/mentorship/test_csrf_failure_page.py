"""A form refused by the CSRF check (a page left open past a sign-in elsewhere, cookies blocked) is the site's own
page: the menu, what happened in words, that nothing was saved, and what to do. Tried: proposing a meeting from a
page whose form carried an out-of-date token showed Django's bare "Forbidden (403) CSRF verification failed. Request
aborted." with no menu and no way on, and nothing saying whether the meeting was proposed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.accessible_text import read
from tests.factories import approved_match

pytestmark = pytest.mark.django_db


def _proposal(token: str | None = None) -> dict[str, Any]:
    day = (timezone.now() + timedelta(days=3)).date()
    form = {"start": f"{day}T10:00", "duration_minutes": 45, "format": "phone", "phone": "+1 555 010 0100"}
    return form if token is None else {**form, "csrfmiddlewaretoken": token}


def _token_of_the_form(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None, "the page has no form token"
    return found[1]


def _is_the_csrf_page(html: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<nav class="nav" aria-label="Main">' in html
    assert "<title>Form not sent · Mentorship</title>" in html
    said = " ".join(p.name for p in read(html, "p"))
    assert "The page was open too long, or your browser blocks this site's cookies" in said
    assert "Nothing was saved." in said
    assert "Go back, reload the page, and send the form again." in said
    assert "CSRF verification failed" not in html


def test_a_form_sent_with_an_out_of_date_token_is_the_sites_page_and_saves_nothing(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor.user, backend="profiles.backends.EmailBackend")
    url = reverse("meetings-propose", args=[match.pk])
    client.get(url)

    refused = client.post(url, _proposal(token="x" * 32))

    assert refused.status_code == 403
    html = refused.content.decode()
    _is_the_csrf_page(html)
    assert f'href="{reverse("profiles-me")}"' in html  # the signed-in person's own menu…
    assert not Meeting.objects.exists()

    # What the page says to do works: reload the form, send it again.
    sent_again = client.post(url, _proposal(token=_token_of_the_form(client.get(url).content.decode())))
    assert sent_again.status_code == 302
    assert Meeting.objects.count() == 1


def test_a_form_sent_without_the_cookie_is_the_same_page_with_the_signed_out_menu(client: Client) -> None:
    blocked = Client(enforce_csrf_checks=True)  # no GET first: a browser that keeps no cookie sends none

    refused = blocked.post(reverse("login"), {"username": "tara@example.org", "password": "whatever"})

    assert refused.status_code == 403
    _is_the_csrf_page(refused.content.decode())
    assert f'href="{reverse("login")}"' in refused.content.decode()


def test_the_log_out_form_on_that_page_works(mentor: Any) -> None:
    # The page is rendered with the request: its own form carries a token that passes, not one from before.
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor.user, backend="profiles.backends.EmailBackend")
    refused = client.post(reverse("profiles-goal-add"), {"title": "Publish", "csrfmiddlewaretoken": "x" * 32})
    assert refused.status_code == 403

    logged_out = client.post(reverse("logout"), {"csrfmiddlewaretoken": _token_of_the_form(refused.content.decode())})

    assert logged_out.status_code == 302
    assert "_auth_user_id" not in client.session
