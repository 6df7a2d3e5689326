"""Valid form posts for the profile pages; each test changes one thing to say what it tried."""

from __future__ import annotations

from typing import Any

from tests.factories import english, focus_area, language, specialty


def trainee_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "career_stage": "1",
        "institution": "Northfield School of Medicine",
        "specialty_interests": [str(specialty("Cardiology").pk), str(specialty("Internal Medicine").pk)],
        "focus_areas": [str(focus_area(0).pk), str(focus_area(3).pk)],
        "languages": [str(english().pk), str(language("es").pk)],
        "time_zone": "America/New_York",
        "meeting_formats": ["2", "4"],
        "statement": "I am deciding between cardiology and critical care.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def mentor_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "career_stage": "7",
        "institution": "Lakeside University Hospital",
        "specialty": str(specialty("Cardiology").pk),
        "subspecialties": [str(specialty("Interventional Cardiology").pk)],
        "focus_areas": [str(focus_area(0).pk), str(focus_area(1).pk)],
        "languages": [str(english().pk)],
        "time_zone": "Europe/London",
        "meeting_formats": ["1", "2"],
        "capacity": "3",
        "accepting_mentees": "on",
        "bio": "Cardiologist; I supervise the echo lab.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def field_errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))
