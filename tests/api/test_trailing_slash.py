"""A path of the API without its trailing slash is a 404 in the error format naming the path meant, and changes
nothing; pages outside /api/ keep APPEND_SLASH's redirect.

Before: Django's 301 with an empty body. requests and `curl -L` follow it with a GET (a POST) or without the body
(a PATCH), so `POST /api/v1/goals` came back 200 with the list of goals and the client believed it had created one.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from tests.api.conftest import World
from tests.api.schema_walk import row_counts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/goals", {"title": "Submit an abstract"}),
        ("patch", "/api/v1/me", {"full_name": "Tara T. Trainee"}),
        ("get", "/api/v1/meetings", None),
        ("delete", "/api/v1/auth/token", None),
    ],
)
def test_the_trainees_program_leaving_out_the_slash_gets_a_404_naming_the_path_and_nothing_changes(
    world: World, method: str, path: str, body: Any
) -> None:
    # Tried: the trainee's program calling an operation of the schema with the trailing slash left out.
    api = world.client("trainee")
    before = row_counts()

    response = getattr(api, method)(path, body, format="json", follow=True)

    assert response.status_code == 404
    assert not response.redirect_chain
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert f"{path}/" in error["message"]
    assert row_counts() == before


def test_an_anonymous_caller_gets_the_same_404(world: World, api_client: Any) -> None:
    response = api_client.post("/api/v1/auth/token", {"email": "tara@example.org", "password": "x"}, format="json")

    assert response.status_code == 404
    assert "/api/v1/auth/token/" in response.json()["error"]["message"]


def test_a_path_that_is_no_route_with_the_slash_either_is_a_plain_404(world: World) -> None:
    response = world.client("trainee").post("/api/v1/no-such-thing", {}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Not found."


def test_a_person_typing_a_page_without_its_slash_is_still_redirected(world: World) -> None:
    # Tried: the log-in page and the trainee's goals page, typed in the address bar without the slash.
    browser = Client()
    assert browser.get("/login")["Location"] == "/login/"
    browser.force_login(world.users["trainee"], backend="profiles.backends.EmailBackend")

    response = browser.get("/me/goals")

    assert response.status_code == 301
    assert response["Location"] == "/me/goals/"


def test_a_person_typing_the_api_docs_without_the_slash_is_redirected_to_them(world: World) -> None:
    # Tried: /api/docs and /api/schema typed in the address bar; they are pages for people, not operations.
    browser = Client()
    assert browser.get("/api/docs")["Location"] == "/api/docs/"
    assert browser.get("/api/schema")["Location"] == "/api/schema/"


@override_settings(DEBUG=True)
def test_under_debug_as_make_run_serves_a_path_no_route_matches_still_answers_in_the_api_format() -> None:
    # Found in review: with DEBUG on (make run's default) Django answered with its HTML debug 404 page and never
    # called handler404, so the curl examples of the README got HTML instead of the error the docs promise.
    client = Client()
    for path, said in (("/api/v1/goals", "Did you mean /api/v1/goals/?"), ("/api/v1/nope/", "Not found.")):
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert said in response.json()["error"]["message"]
    assert client.get("/no-such-page/").status_code == 404  # pages keep Django's own
