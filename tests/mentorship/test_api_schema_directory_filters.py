"""The mentor directory's `career_stage` and `meeting_format` filters, as the schema documents them and as the API
takes them: a meeting format by the name every body uses ("video"), the bit of earlier clients ("2") still taken.

Tried: `GET /api/v1/mentors/?meeting_format=video` answered 400 "“video” is not one of: 1, 2, 4." although a
profile's `meeting_formats` and a meeting's `format` say "video"; and `career_stage` was a bare integer in the
schema ("Career-stage ordinal (0–8)") where docs/api.md promises an enum.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from profiles.api.profile_serializers import MeetingFormatsField
from profiles.models import CareerStage, MeetingFormat
from tests.api.schema_walk import operations, resolve, schema
from tests.factories import MentorProfileFactory, TraineeProfileFactory

MENTORS = next(op for op in operations() if (op.method, op.path) == ("GET", "/api/v1/mentors/"))


def _parameter(name: str) -> dict[str, Any]:
    return next(p for p in MENTORS.spec["parameters"] if p["name"] == name)


def test_the_career_stage_filter_lists_the_career_stages() -> None:
    career_stage = _parameter("career_stage")

    assert career_stage["schema"] == {"type": "integer", "enum": list(range(9))}
    assert "3 Resident" in career_stage["description"]


def test_the_meeting_format_filter_takes_the_names_the_bodies_use() -> None:
    names = sorted(MeetingFormatsField().child.choices)
    meeting_format = resolve(schema()["components"]["schemas"]["FormatEnum"])  # a meeting's `format`

    assert _parameter("meeting_format")["schema"] == {"type": "string", "enum": names}
    assert sorted(meeting_format["enum"]) == names == ["in_person", "phone", "video"]


@pytest.fixture
def searcher(db: None) -> APIClient:
    MentorProfileFactory(user__full_name="Vida Video", meeting_formats=MeetingFormat.VIDEO)
    MentorProfileFactory(user__full_name="Ines Inperson", meeting_formats=MeetingFormat.IN_PERSON)
    MentorProfileFactory(user__full_name="Phil Phone", meeting_formats=MeetingFormat.PHONE | MeetingFormat.VIDEO)
    api = APIClient()
    api.force_authenticate(TraineeProfileFactory(career_stage=CareerStage.PRECLINICAL_STUDENT).user)
    return api


def _names(api: APIClient, **filters: str) -> list[str]:
    response = api.get("/api/v1/mentors/", filters)
    assert response.status_code == 200, response.json()
    return sorted(card["name"] for card in response.json()["results"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("video", ["Phil Phone", "Vida Video"]),
        ("in_person", ["Ines Inperson"]),
        ("phone", ["Phil Phone"]),
        ("2", ["Phil Phone", "Vida Video"]),  # the bit, as earlier clients and the page's <select> send it
        ("1", ["Ines Inperson"]),
    ],
)
def test_the_directory_filters_by_meeting_format_name_or_bit(
    searcher: APIClient, value: str, expected: list[str]
) -> None:
    assert _names(searcher, meeting_format=value) == expected


def test_an_unknown_meeting_format_is_a_400_listing_the_names(searcher: APIClient) -> None:
    response = searcher.get("/api/v1/mentors/", {"meeting_format": "zoom"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"meeting_format": ["“zoom” is not one of: in_person, video, phone."]}


def test_the_directory_filters_by_career_stage(searcher: APIClient) -> None:
    MentorProfileFactory(user__full_name="Sena Senior", career_stage=CareerStage.SENIOR)

    assert _names(searcher, career_stage=str(CareerStage.SENIOR.value)) == ["Sena Senior"]
