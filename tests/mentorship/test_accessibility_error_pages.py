"""Error pages are the site's own: the menu, a way home, a page that fits a phone, and the view's reason when it is
one meant for the reader. Tried: with no 404.html, someone opening another person's meeting got Django's bare "Not
Found" (no menu, no link, no viewport), without the view's "No such meeting of yours."; the same for 403, 400 and
500. The API keeps its JSON errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.test import Client
from django.urls import URLPattern, URLResolver, path, reverse

from mentorship.urls import handler404, handler500
from mentorship.urls import urlpatterns as project_urlpatterns
from tests.factories import GoalFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# This module is also the URLconf of the tests marked `urls(THIS)`: the project's URLs and three views that fail.
THIS = __name__
__all__ = ["handler404", "handler500", "urlpatterns"]


def _refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Only a program's coordinators see its roster.")


def _refused_bare(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret internals: a tampered session")


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals in a traceback")


urlpatterns: list[URLPattern | URLResolver] = [
    path("fails/refused/", _refused),
    path("fails/refused-bare/", _refused_bare),
    path("fails/suspicious/", _suspicious),
    path("fails/crash/", _crash),
    *project_urlpatterns,
]


def _is_the_sites_page(html: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<nav class="nav" aria-label="Main">' in html
    assert 'href="/">the home page</a>' in html
    assert "/static/css/app.css" in html


def test_someone_elses_meeting_is_not_found_with_the_views_reason_the_menu_and_a_way_home(
    login: Any, outsider: Any
) -> None:
    meeting = MeetingFactory()

    response = login(outsider.user).get(reverse("meetings-detail", args=[meeting.pk]))

    assert response.status_code == 404
    html = response.content.decode()
    _is_the_sites_page(html)
    assert "<title>Page not found · Mentorship</title>" in html
    assert "No such meeting of yours." in html
    assert f'href="{reverse("profiles-me")}"' in html  # the signed-in person's own menu


def test_an_address_nothing_answers_says_so_in_words_not_a_class_name(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    _is_the_sites_page(html)
    assert "There is no page at this address." in html
    assert "Resolver404" not in html
    assert f'href="{reverse("login")}"' in html  # the menu of someone signed out


def test_djangos_own_not_found_message_naming_a_model_is_not_shown(login: Any, trainee: Any, outsider: Any) -> None:
    goal = GoalFactory(trainee=trainee)

    response = login(outsider.user).get(reverse("profiles-goal-edit", args=[goal.pk]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "matches the given query" not in html
    assert "There is no page at this address." in html


@pytest.mark.urls(THIS)
def test_a_refusal_shows_its_reason_and_a_bare_one_a_plain_sentence(login: Any, trainee: Any) -> None:
    client = login(trainee.user)

    refused = client.get("/fails/refused/")
    assert refused.status_code == 403
    _is_the_sites_page(refused.content.decode())
    assert "Only a program&#x27;s coordinators see its roster." in refused.content.decode()

    bare = client.get("/fails/refused-bare/")
    assert bare.status_code == 403
    assert "Your account does not give you access to this page." in bare.content.decode()


@pytest.mark.urls(THIS)
def test_a_bad_request_is_the_sites_page_without_the_reason(login: Any, trainee: Any) -> None:
    response = login(trainee.user).get("/fails/suspicious/")

    assert response.status_code == 400
    html = response.content.decode()
    _is_the_sites_page(html)
    assert "secret internals" not in html


def test_a_request_for_another_host_is_the_sites_400_page(client: Client) -> None:
    # Django refuses it before any view: the page is rendered with the request as it is, nobody signed in.
    response = client.get("/", HTTP_HOST="elsewhere.example")

    assert response.status_code == 400
    _is_the_sites_page(response.content.decode())


@pytest.mark.urls(THIS)
def test_a_crash_is_the_sites_skeleton_without_internals(trainee: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(trainee.user, backend="profiles.backends.EmailBackend")

    response = client.get("/fails/crash/")

    assert response.status_code == 500
    html = response.content.decode()
    _is_the_sites_page(html)
    assert "<title>Something went wrong · Mentorship</title>" in html
    assert "secret internals" not in html


def test_the_crash_page_renders_without_a_request_or_the_database(django_assert_num_queries: Any) -> None:
    # What Django does when the crash is the database's: no request, no context processors.
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert html.startswith("<!doctype html>")
    _is_the_sites_page(html)


def test_an_api_address_nothing_answers_is_still_the_apis_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/")
    assert response.json()["error"]["code"] == "not_found"
