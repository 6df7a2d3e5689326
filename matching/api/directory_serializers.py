"""Shapes of the directory API (output of the selectors, input of the services). No rules here."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.models import Match, Program, ShortlistEntry
from matching.selectors import programs_known_to
from matching.services.requests import MESSAGE_MAX_LENGTH
from mentorship.api import IdField, KnownFieldsOnly, VisibleIdField
from profiles.api.profile_serializers import MeetingFormatsField
from profiles.models import MentorProfile


class MentorCardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="mentor.pk")
    name = serializers.CharField(source="mentor.user.full_name")
    specialty = serializers.CharField(source="mentor.specialty.name")
    career_stage = serializers.IntegerField(source="mentor.career_stage")
    career_stage_label = serializers.CharField(source="mentor.get_career_stage_display")
    institution = serializers.CharField(source="mentor.institution")
    score = serializers.FloatField(allow_null=True, help_text="0–100 for the caller; null when unranked.")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="The strongest reasons, in words, partial fits included."
    )
    summary = serializers.CharField(help_text="The same reasons as one line.")
    fits = serializers.ListField(
        source="fit_reasons",
        child=serializers.CharField(),
        help_text='The strongest reasons that cost no points (the page\'s "Fits:"); never one of `lowered`.',
    )
    lowered = serializers.ListField(
        child=serializers.CharField(),
        help_text='Every reason that cost the score points, worst first (the page\'s "What lowered it" names three).',
    )
    free_places = serializers.IntegerField()
    is_full = serializers.BooleanField()
    can_request = serializers.BooleanField()
    shortlisted = serializers.BooleanField()
    shortlist_rank = serializers.IntegerField(allow_null=True)
    live_status = serializers.CharField(help_text="Status of the caller's live match with this mentor, or ''.")


class DirectoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    ranked = serializers.BooleanField(help_text="False when the caller has no trainee profile (alphabetical).")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MentorCardSerializer(many=True)


class LineSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label", not Field.label
    value = serializers.FloatField(help_text="Fit of this component, 0–1.")
    weight = serializers.FloatField()
    points = serializers.FloatField(help_text="Points this component adds to the 0–100 score.")
    max_points = serializers.FloatField()
    reason = serializers.CharField()
    lowered = serializers.BooleanField(help_text="True when this component lowered the score.")


class ExplanationSerializer(serializers.Serializer):
    score = serializers.FloatField(allow_null=True)
    excluded = serializers.BooleanField()
    rules = serializers.ListField(child=serializers.CharField(), help_text="Codes of the rules excluding the pair.")
    rule_messages = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField(source="summary_line", help_text="The strongest reasons as one line.")
    fits = serializers.ListField(
        source="fit_reasons",
        child=serializers.CharField(),
        help_text='The strongest reasons that cost no points (the page\'s "Fits:" line).',
    )
    lowered_by = serializers.SerializerMethodField()
    lines = LineSerializer(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_lowered_by(self, explanation: Any) -> list[str]:
        return list(explanation.lowered_by())


class ProgramRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ("id", "name")


class MentorDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="mentor.pk")
    name = serializers.CharField(source="mentor.user.full_name")
    specialty = serializers.CharField(source="mentor.specialty.name")
    subspecialties = serializers.SerializerMethodField()
    career_stage = serializers.IntegerField(source="mentor.career_stage")
    career_stage_label = serializers.CharField(source="mentor.get_career_stage_display")
    institution = serializers.CharField(source="mentor.institution")
    bio = serializers.CharField(source="mentor.bio")
    focus_areas = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    # Names, as a profile's and a meeting's bodies use them (labels alone made a client map "In person" back).
    meeting_formats = MeetingFormatsField(
        source="mentor.meeting_formats", read_only=True, help_text="How the mentor meets: in_person, video, phone."
    )
    meeting_format_labels = serializers.ListField(
        child=serializers.CharField(), source="mentor.meeting_format_labels", help_text="The same, as pages word it."
    )
    time_zone = serializers.CharField(source="mentor.time_zone")
    capacity = serializers.IntegerField(source="mentor.capacity")
    accepting_mentees = serializers.BooleanField(source="mentor.accepting_mentees")
    free_places = serializers.IntegerField()
    explanation = ExplanationSerializer(allow_null=True, help_text="Null when the caller has no trainee profile.")
    shortlisted = serializers.BooleanField()
    shortlist_rank = serializers.IntegerField(allow_null=True)
    refusal = serializers.CharField(help_text="Why the caller cannot request this mentor now ('' when they can).")
    programs = ProgramRefSerializer(many=True, help_text="Programs in which the caller may request this mentor.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_subspecialties(self, detail: Any) -> list[str]:
        return [s.name for s in detail.mentor.subspecialties.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_focus_areas(self, detail: Any) -> list[str]:
        return [f.name for f in detail.mentor.focus_areas.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, detail: Any) -> list[str]:
        return [lang.name for lang in detail.mentor.languages.all()]


class ShortlistEntrySerializer(serializers.ModelSerializer):
    mentor_name = serializers.CharField(source="mentor.user.full_name", read_only=True)
    specialty = serializers.CharField(source="mentor.specialty.name", read_only=True)

    class Meta:
        model = ShortlistEntry
        fields = ("mentor", "mentor_name", "specialty", "rank", "created_at")
        read_only_fields = fields


class ShortlistAddSerializer(KnownFieldsOnly):
    # Someone who left is answered as an id nobody has, as POST /requests/ does: a different answer would tell a
    # trainee trying ids which ones belonged to people who left.
    mentor = IdField(queryset=MentorProfile.objects.filter(user__is_active=True))


class ShortlistRankSerializer(KnownFieldsOnly):
    mentor_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=3, allow_empty=True, help_text="Best first."
    )


class RequestCreateSerializer(KnownFieldsOnly):
    # A deactivated mentor is "does not exist", as their page is: "Dr X is not accepting" named whoever held an id.
    mentor = IdField(queryset=MentorProfile.objects.filter(user__is_active=True))
    # A program the trainee is not in (and that is not open to all) is "does not exist", not a 409 naming it.
    program = VisibleIdField(queryset=Program.objects.all(), visible=programs_known_to)
    message = serializers.CharField(max_length=MESSAGE_MAX_LENGTH, allow_blank=True, required=False, default="")


class RequestSerializer(serializers.ModelSerializer):
    mentor_name = serializers.CharField(source="mentor.user.full_name", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)

    class Meta:
        model = Match
        fields = (
            "id",
            "mentor",
            "mentor_name",
            "program",
            "program_name",
            "status",
            "message",
            "score",
            "score_breakdown",
            "decision_reason",
            "created_at",
            "decided_at",
        )
        read_only_fields = fields
