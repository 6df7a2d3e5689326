"""Shapes of the meetings API for what follows a meeting: session logs (a mentor's private notes only in their own
responses) and feedback. Serializers check types only; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from matching.models import Match
from matching.selectors_coordination import match_list_for
from meetings.models import (
    MAX_DURATION_MINUTES,
    TEXT_MAX_LENGTH,
    Feedback,
    Meeting,
    SessionLog,
)
from meetings.selectors import goals_in_matches_of, meetings_for
from mentorship.api import IdField, KnownFieldsOnly, VisibleIdField
from profiles.models import FocusArea, Goal


class SessionGoalSerializer(KnownFieldsOnly):
    goal = VisibleIdField(queryset=Goal.objects.all(), visible=goals_in_matches_of)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class MatchGoalSerializer(serializers.ModelSerializer[Goal]):
    """A goal of the match's trainee as the session log form shows it to her mentor: what to name in a log's
    `goals`, and where it stands now."""

    progress = serializers.IntegerField(read_only=True, help_text="Per cent, 0–100, as it stands now.")

    class Meta:
        model = Goal
        fields = ("id", "title", "status", "progress")
        read_only_fields = fields


class SessionLogSharedSerializer(serializers.ModelSerializer[SessionLog]):
    """What the trainee reads: everything but the mentor's private notes."""

    topics: serializers.PrimaryKeyRelatedField[FocusArea] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    goals = serializers.SerializerMethodField()

    class Meta:
        model = SessionLog
        fields = ("id", "match", "meeting", "date", "duration_minutes", "topics", "goals", "notes_shared", "next_steps")
        read_only_fields = fields

    def get_goals(self, obj: SessionLog) -> list[dict[str, Any]]:
        return [{"goal": u.goal_id, "progress": u.progress, "note": u.note} for u in obj.goal_updates.all()]


class SessionLogMentorSerializer(SessionLogSharedSerializer):
    class Meta(SessionLogSharedSerializer.Meta):
        fields: tuple[str, ...] = (*SessionLogSharedSerializer.Meta.fields, "notes_private")  # type: ignore[assignment]
        read_only_fields: tuple[str, ...] = fields  # type: ignore[assignment]


class GoalProgressSerializer(serializers.Serializer[Any]):
    goal = serializers.IntegerField()
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField()


class SessionLogSerializer(serializers.Serializer[Any]):
    """A session log; its private notes only in responses to the mentor who wrote it."""

    # The documented shape of a response only: SessionLogMentorSerializer / SessionLogSharedSerializer produce the
    # data. Read by mentorship.api_schema, which requires every other field of a response.
    absent_for_some_callers = ("notes_private",)

    id = serializers.IntegerField()
    match = serializers.IntegerField()
    meeting = serializers.IntegerField(allow_null=True)
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField()
    topics = serializers.ListField(child=serializers.IntegerField())
    goals = GoalProgressSerializer(many=True)
    notes_shared = serializers.CharField()
    next_steps = serializers.CharField()
    notes_private = serializers.CharField(required=False, help_text="Only in the mentor's own responses.")


class SessionLogEditSerializer(KnownFieldsOnly):
    """An edit: what the session was. The match and meeting a log is about stay as they were created."""

    # What a client read (GET) can be sent back: these are accepted and ignored, not "no such field".
    id = serializers.IntegerField(read_only=True)
    match: serializers.Field[Any, Any, Any, Any] = serializers.IntegerField(read_only=True)
    meeting: serializers.Field[Any, Any, Any, Any] = serializers.IntegerField(read_only=True)

    date = serializers.DateField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=MAX_DURATION_MINUTES)
    topics = IdField(queryset=FocusArea.objects.all(), many=True, required=False)
    goals = SessionGoalSerializer(many=True, required=False)
    notes_shared = serializers.CharField(required=False, default="", allow_blank=True, max_length=TEXT_MAX_LENGTH)
    notes_private = serializers.CharField(required=False, default="", allow_blank=True, max_length=TEXT_MAX_LENGTH)
    next_steps = serializers.CharField(required=False, default="", allow_blank=True, max_length=TEXT_MAX_LENGTH)

    def validate_goals(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # One progress per goal and session: a goal named twice would say two things at once (and the second row
        # would break the database's one-update-per-goal rule).
        ids = [update["goal"].pk for update in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Name each goal at most once.")
        return value


class SessionLogWriteSerializer(SessionLogEditSerializer):
    """A new log: also which match (or meeting of it) it is about, and the client's submission id."""

    match = VisibleIdField(queryset=Match.objects.all(), visible=match_list_for, required=False)
    meeting = VisibleIdField(
        queryset=Meeting.objects.all(),
        visible=meetings_for,
        required=False,
        allow_null=True,
        help_text="The meeting the session was. Left out: the match's one accepted meeting that has begun, starts on "
        "`date` in the mentor's zone and is not logged yet, if there is exactly one; else none.",
    )
    submission = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A UUID the client makes once per log. Sending the same again (a retry after a lost response) "
        "writes nothing and answers 409 `session_already_logged`.",
    )


class FeedbackSerializer(serializers.ModelSerializer[Feedback]):
    class Meta:
        model = Feedback
        fields = ("id", "meeting", "role", "rating", "useful", "went_well", "to_change", "good_fit", "created_at")
        read_only_fields = fields


class FeedbackWriteSerializer(KnownFieldsOnly):
    meeting = VisibleIdField(queryset=Meeting.objects.all(), visible=meetings_for)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    useful = serializers.BooleanField()
    went_well = serializers.CharField(required=False, default="", allow_blank=True, max_length=TEXT_MAX_LENGTH)
    to_change = serializers.CharField(required=False, default="", allow_blank=True, max_length=TEXT_MAX_LENGTH)
    good_fit = serializers.BooleanField(required=False, allow_null=True, default=None)
