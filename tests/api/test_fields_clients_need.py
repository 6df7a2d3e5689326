"""Fields a client needs to show a list without a second call per row."""

from __future__ import annotations

import pytest

from tests.api.conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "other"), [("trainee", "Dr Maya Patel"), ("mentor", "Tara Trainee")])
def test_a_meeting_names_the_other_person(persona: str, other: str, world: World) -> None:
    # Before: a meeting said only `match` (an id): a calendar client had to fetch /matches/ to say with whom.
    meeting = world.objects["meeting"]
    api = world.client(persona)

    listed = api.get("/api/v1/meetings/").json()["results"]
    one = api.get(f"/api/v1/meetings/{meeting.pk}/").json()

    assert [m["other_person"]["name"] for m in listed] == [other]
    assert one["other_person"]["name"] == other


def test_a_round_names_its_program_and_a_match_says_when_it_last_changed(world: World) -> None:
    # Before: a round gave only its program's id (matches give `program_name`), and a match had no updated_at, so
    # a client syncing matches had to compare every field.
    api = world.client("coordinator")

    round_ = api.get("/api/v1/rounds/").json()["results"][0]
    match = api.get("/api/v1/matches/").json()["results"][0]

    assert round_["program_name"] == "Program A"
    assert match["updated_at"]
