"""Profiles' own sections of a person's data: the account, both profiles and the goals.

Related things travel by name ("Cardiology", "English"), not by id as in the API: the file is for the person to
read. The account never carries the password hash or the API token's key, which are credentials, not data about
the person: whether a token exists, and since when, is said instead.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.authtoken.models import Token

from profiles.data_export.registry import RelatedNamesField, export_section_register
from profiles.models import Goal, MentorProfile, TraineeProfile, User
from profiles.selectors import goal_list_for, mentor_profile_of, trainee_profile_of


def _names(help_text: str = "") -> RelatedNamesField:
    return RelatedNamesField(help_text=help_text)


class ExportAccountSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    email_confirmed_at = serializers.DateTimeField(
        allow_null=True, help_text="When a link sent to the address was opened; null until then."
    )
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()
    is_coordinator = serializers.BooleanField()
    api_token_created_at = serializers.DateTimeField(
        allow_null=True, help_text="When the API token in use was issued (null: none). Its key is never exported."
    )


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "email_confirmed_at": user.email_confirmed_at,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_coordinator": user.is_coordinator(),
        "api_token_created_at": Token.objects.filter(user=user).values_list("created", flat=True).first(),
    }


class _ExportProfileSerializer(serializers.Serializer[Any]):
    career_stage = serializers.CharField(source="get_career_stage_display")
    institution = serializers.CharField()
    time_zone = serializers.CharField(help_text="Times are shown to the person in this zone.")
    meeting_formats = serializers.ListField(child=serializers.CharField(), source="meeting_format_labels")
    languages = _names()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ExportTraineeProfileSerializer(_ExportProfileSerializer):
    specialty_interests = _names()
    focus_areas = _names("What they want help with.")
    statement = serializers.CharField()
    assessed_by = serializers.SerializerMethodField(
        help_text="The mentors a coordinator recorded as assessing or supervising this trainee, by name: never "
        "matched with her (the directory says so too)."
    )

    def get_assessed_by(self, profile: TraineeProfile) -> list[str]:
        mentors = MentorProfile.objects.filter(assesses=profile).select_related("user").order_by("user__full_name")
        return [str(mentor.user) for mentor in mentors]


class ExportMentorProfileSerializer(_ExportProfileSerializer):
    specialty = serializers.CharField(source="specialty.name")
    subspecialties = _names()
    focus_areas = _names("What they can help with.")
    capacity = serializers.IntegerField()
    accepting_mentees = serializers.BooleanField()
    bio = serializers.CharField()
    assesses = serializers.SerializerMethodField(
        help_text="The trainees a coordinator recorded this mentor as assessing or supervising, by name: never matched "
        "with him. Kept on the profile by coordinators; no page of his lists it."
    )

    def get_assesses(self, profile: MentorProfile) -> list[str]:
        return [str(trainee.user) for trainee in profile.assesses.select_related("user").order_by("user__full_name")]


class ExportGoalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    focus_area = serializers.CharField(source="focus_area.name", allow_null=True)
    description = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    progress = serializers.IntegerField(help_text="0–100, as it stands now; `goal_progress` has its history.")
    progress_set_by_trainee_on = serializers.DateField(
        allow_null=True, help_text="The day the trainee last set the progress or status herself (null: never)."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _trainee_profile(user: User) -> TraineeProfile | None:
    return trainee_profile_of(user=user)


def _mentor_profile(user: User) -> MentorProfile | None:
    return mentor_profile_of(user=user)


def _goals(user: User) -> list[Goal]:
    return list(goal_list_for(user=user).order_by("created_at", "pk"))


def register_export_sections() -> None:
    export_section_register(
        "account",
        _account,
        serializer=ExportAccountSerializer,
        help_text="The account: name, e-mail address and its confirmation, dates. Never the password or the token.",
    )
    export_section_register(
        "trainee_profile",
        _trainee_profile,
        serializer=ExportTraineeProfileSerializer,
        nullable=True,
        help_text="The trainee profile, or null.",
    )
    export_section_register(
        "mentor_profile",
        _mentor_profile,
        serializer=ExportMentorProfileSerializer,
        nullable=True,
        help_text="The mentor profile, or null.",
    )
    export_section_register(
        "goals", _goals, serializer=ExportGoalSerializer, many=True, help_text="The trainee's goals, oldest first."
    )
