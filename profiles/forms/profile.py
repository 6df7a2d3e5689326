"""The trainee and mentor profile forms. cleaned_data keys are the model's field names, ready for the services."""

from __future__ import annotations

from typing import Any

from django import forms

from mentorship.forms import Textarea
from profiles.forms.fields import (
    GroupedSpecialtiesField,
    GroupedSpecialtyField,
    MeetingFormatsField,
    ModelIdsField,
    TimeZoneField,
)
from profiles.models import CareerStage, FocusArea, Language, MentorProfile, TraineeProfile


def _checkboxes(model: type[FocusArea] | type[Language], label: str, required_message: str) -> forms.Field:
    return ModelIdsField(
        queryset=model.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=label,
        error_messages={"required": required_message},
    )


class _ProfileForm(forms.Form):
    career_stage = forms.TypedChoiceField(choices=[("", "Choose…"), *CareerStage.choices], coerce=int)
    institution = forms.CharField(max_length=200, required=False, help_text="Your hospital, school or university.")
    time_zone = TimeZoneField()
    meeting_formats = MeetingFormatsField(label="Meeting formats")
    languages = _checkboxes(Language, "Languages you can meet in", "Choose at least one language you can meet in.")

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A first profile, shown empty: the browser's own zone replaces the default (static/js/app.js). Not once the
        # person has chosen one (a form shown again with an error keeps their choice).
        if new and not self.is_bound:
            self.fields["time_zone"].widget.attrs["data-guess-zone"] = ""
        for field in self.fields.values():
            if isinstance(field, GroupedSpecialtyField | GroupedSpecialtiesField):
                field.group()


class TraineeProfileForm(_ProfileForm):
    specialty_interests = GroupedSpecialtiesField(
        label="Specialty interests",
        help_text="Click each one you want (again to unchoose), or use the arrow keys and Space. Undecided? Choose "
        "the broad specialties you consider: mentors of the exact specialties you choose fit best, and those of "
        "their sub-specialties (a cardiologist for Internal Medicine) fit in part.",
        error_messages={"required": "Choose at least one specialty (the broad one is fine if you are undecided)."},
    )
    focus_areas = _checkboxes(FocusArea, "What you want help with", "Choose at least one focus area.")
    statement = forms.CharField(
        label="What do you want from mentoring?",
        required=False,
        widget=Textarea(attrs={"rows": 5}),
        max_length=4000,
    )

    field_order = [
        "career_stage",
        "institution",
        "specialty_interests",
        "focus_areas",
        "languages",
        "time_zone",
        "meeting_formats",
        "statement",
    ]

    @staticmethod
    def initial_from(profile: TraineeProfile | None, other: MentorProfile | None = None) -> dict[str, Any]:
        if profile is None:
            return {"meeting_formats": 2, "time_zone": "America/New_York", **_about_the_person(other)}
        return {
            **_common_initial(profile),
            "specialty_interests": list(profile.specialty_interests.all()),
            "statement": profile.statement,
        }


class MentorProfileForm(_ProfileForm):
    specialty = GroupedSpecialtyField(label="Your specialty")
    subspecialties = GroupedSpecialtiesField(
        label="Other sub-specialties you can speak to",
        required=False,
        help_text="Optional. Click each one you practise (click again to unchoose), or use the arrow keys and Space.",
    )
    focus_areas = _checkboxes(FocusArea, "What you can help with", "Choose at least one focus area.")
    capacity = forms.IntegerField(
        min_value=1,
        max_value=10,
        initial=2,
        help_text="How many mentees you can take at once (1–10).",
        error_messages={
            "min_value": "Take at least 1 mentee.",
            "max_value": "At most 10 mentees at once.",
        },
    )
    accepting_mentees = forms.BooleanField(required=False, initial=True, label="Accepting new mentees")
    bio = forms.CharField(label="About you", required=False, widget=Textarea(attrs={"rows": 5}), max_length=4000)

    field_order = [
        "career_stage",
        "institution",
        "specialty",
        "subspecialties",
        "focus_areas",
        "languages",
        "time_zone",
        "meeting_formats",
        "capacity",
        "accepting_mentees",
        "bio",
    ]

    @staticmethod
    def initial_from(profile: MentorProfile | None, other: TraineeProfile | None = None) -> dict[str, Any]:
        if profile is None:
            defaults = {"meeting_formats": 2, "time_zone": "America/New_York", "capacity": 2, "accepting_mentees": True}
            return {**defaults, **_about_the_person(other)}
        return {
            **_common_initial(profile),
            "specialty": profile.specialty,
            "subspecialties": list(profile.subspecialties.all()),
            "capacity": profile.capacity,
            "accepting_mentees": profile.accepting_mentees,
            "bio": profile.bio,
        }


def _about_the_person(other: TraineeProfile | MentorProfile | None) -> dict[str, Any]:
    """A second profile starts from what the first says about the same person (stage, institution, zone, formats,
    languages); not the focus areas, which a trainee seeks and a mentor offers."""
    if other is None:
        return {}
    return {name: value for name, value in _common_initial(other).items() if name != "focus_areas"}


def _common_initial(profile: TraineeProfile | MentorProfile) -> dict[str, Any]:
    return {
        "career_stage": profile.career_stage,
        "institution": profile.institution,
        "time_zone": profile.time_zone,
        "meeting_formats": profile.meeting_formats,
        "languages": list(profile.languages.all()),
        "focus_areas": list(profile.focus_areas.all()),
    }
