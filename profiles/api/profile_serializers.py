"""How the API shows and takes a person's profiles. Meeting formats travel as names ("video"), not as the bit set;
related things travel as ids (see the reference endpoints for names)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.api import IdField, KnownFieldsOnly
from profiles.models import CareerStage, FocusArea, Language, MeetingFormat, MentorProfile, Specialty, TraineeProfile

FORMAT_NAMES = {"in_person": MeetingFormat.IN_PERSON, "video": MeetingFormat.VIDEO, "phone": MeetingFormat.PHONE}


def format_names(value: int) -> list[str]:
    return [name for name, bit in FORMAT_NAMES.items() if value & bit]


class MeetingFormatsField(serializers.ListField):
    child = serializers.ChoiceField(choices=list(FORMAT_NAMES))

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "One or more of in_person, video, phone.")
        super().__init__(allow_empty=False, **kwargs)

    def to_internal_value(self, data: Any) -> int:  # type: ignore[override]
        names = super().to_internal_value(data)
        return sum(int(FORMAT_NAMES[name]) for name in set(names))

    def to_representation(self, value: Any) -> list[str]:
        return format_names(int(value))


def _ids(model: Any, **kwargs: Any) -> IdField:
    return IdField(queryset=model.objects.all(), many=True, **kwargs)


class _ProfileFields(KnownFieldsOnly):
    career_stage = serializers.ChoiceField(choices=CareerStage.choices, help_text="See /api/v1/career-stages/.")
    institution = serializers.CharField(max_length=200, allow_blank=True, required=False)
    time_zone = serializers.CharField(max_length=64, help_text="IANA name, e.g. America/New_York.")
    meeting_formats = MeetingFormatsField()
    languages = _ids(Language, help_text="Language ids; at least one.")


class TraineeProfileSerializer(_ProfileFields):
    focus_areas = _ids(FocusArea, help_text="Focus areas sought; at least one.")
    specialty_interests = _ids(Specialty, help_text="Specialty ids; at least one.")
    statement = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: TraineeProfile) -> dict[str, Any]:
        return {
            **_common(instance),
            "specialty_interests": sorted(s.pk for s in instance.specialty_interests.all()),
            "statement": instance.statement,
            "updated_at": serializers.DateTimeField().to_representation(instance.updated_at),
        }


class MentorProfileSerializer(_ProfileFields):
    specialty = IdField(queryset=Specialty.objects.all())
    subspecialties = _ids(Specialty, required=False)
    focus_areas = _ids(FocusArea, help_text="Focus areas offered; at least one.")
    capacity = serializers.IntegerField(help_text="Mentees at once, 1–10.")
    accepting_mentees = serializers.BooleanField(required=False)
    bio = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: MentorProfile) -> dict[str, Any]:
        return {
            **_common(instance),
            "specialty": instance.specialty_id,
            "subspecialties": sorted(s.pk for s in instance.subspecialties.all()),
            "capacity": instance.capacity,
            "accepting_mentees": instance.accepting_mentees,
            "bio": instance.bio,
            "updated_at": serializers.DateTimeField().to_representation(instance.updated_at),
        }


def _common(profile: TraineeProfile | MentorProfile) -> dict[str, Any]:
    return {
        "career_stage": profile.career_stage,
        "institution": profile.institution,
        "time_zone": profile.time_zone,
        "meeting_formats": format_names(profile.meeting_formats),
        "languages": sorted(lang.pk for lang in profile.languages.all()),
        "focus_areas": sorted(f.pk for f in profile.focus_areas.all()),
    }
