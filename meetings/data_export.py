"""Meetings' sections of a person's data export (`profiles.data_export`): their meetings, the feedback on them,
their check-in answers, the session logs of their matches and the progress logged on their goals.

Read through the selectors the pages use, so the file holds what the pages show: session logs with private notes
only on the reader's own (`session_logs_for`), the other person's feedback once the meeting page shows it
(`feedback_visible`: both answered, or a week after the meeting), and their own check-in answers only (the other
person never reads those; the program's coordinators do).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from meetings.models import CheckIn, Feedback, Meeting, SessionGoal, SessionLog
from meetings.people import other_side, role_in
from meetings.selectors import feedback_visible, meetings_for, session_logs_for
from profiles.data_export import RelatedNamesField, export_section_register
from profiles.models import User


class ExportMeetingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    match = serializers.IntegerField()
    program = serializers.CharField()
    my_role = serializers.ChoiceField(choices=["trainee", "mentor"])
    other_person = serializers.CharField()
    proposed_by_me = serializers.BooleanField(help_text="Whether they proposed its current time.")
    start = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    format = serializers.ChoiceField(choices=Meeting.Format.choices)
    place = serializers.CharField()
    video_link = serializers.CharField()
    phone = serializers.CharField()
    agenda = serializers.CharField()
    status = serializers.ChoiceField(choices=Meeting.Status.choices)
    cancelled_by_me = serializers.BooleanField()
    cancel_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _meetings(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": meeting.pk,
            "match": meeting.match_id,
            "program": meeting.match.program.name,
            "my_role": role_in(meeting.match, user),
            "other_person": str(other_side(meeting.match, user)),
            "proposed_by_me": meeting.proposed_by_id == user.pk,
            "start": meeting.start,
            "duration_minutes": meeting.duration_minutes,
            "format": meeting.format,
            "place": meeting.place,
            "video_link": meeting.video_link,
            "phone": meeting.phone,
            "agenda": meeting.agenda,
            "status": meeting.status,
            "cancelled_by_me": meeting.cancelled_by_id == user.pk,
            "cancel_reason": meeting.cancel_reason,
            "created_at": meeting.created_at,
            "updated_at": meeting.updated_at,
        }
        for meeting in meetings_for(user=user)
    ]


class ExportFeedbackSerializer(serializers.Serializer[Any]):
    meeting = serializers.IntegerField()
    mine = serializers.BooleanField(
        help_text="Their own answer; else the other person's, as the meeting page shows it."
    )
    role = serializers.ChoiceField(choices=Feedback.Role.choices, help_text="The author's side of the match.")
    rating = serializers.IntegerField()
    useful = serializers.BooleanField()
    went_well = serializers.CharField()
    to_change = serializers.CharField()
    good_fit = serializers.BooleanField(allow_null=True)
    created_at = serializers.DateTimeField()


def _feedback(user: User) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for meeting in meetings_for(user=user).prefetch_related("feedback"):
        answers += [
            {
                "meeting": meeting.pk,
                "mine": answer.author_id == user.pk,
                "role": answer.role,
                "rating": answer.rating,
                "useful": answer.useful,
                "went_well": answer.went_well,
                "to_change": answer.to_change,
                "good_fit": answer.good_fit,
                "created_at": answer.created_at,
            }
            for answer in sorted(feedback_visible(meeting=meeting, user=user), key=lambda f: (f.created_at, f.pk))
        ]
    return answers


class ExportCheckInSerializer(serializers.Serializer[Any]):
    match = serializers.IntegerField(source="match_id")
    program = serializers.CharField(source="match.program.name")
    period = serializers.IntegerField(help_text="0 for the first check-in of the match.")
    going_well = serializers.IntegerField(help_text="1 = not at all, 5 = very well.")
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


def _check_ins(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(respondent=user).select_related("match__program").order_by("created_at", "pk")


class ExportGoalUpdateSerializer(serializers.Serializer[Any]):
    goal = serializers.IntegerField(source="goal_id")
    goal_title = serializers.CharField(source="goal.title")
    progress = serializers.IntegerField()
    note = serializers.CharField()


class ExportSessionLogSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    match = serializers.IntegerField(source="match_id")
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)
    written_by_me = serializers.SerializerMethodField()
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField()
    topics = RelatedNamesField()
    goals = ExportGoalUpdateSerializer(source="goal_updates", many=True, help_text="Progress seen on the goals.")
    notes_shared = serializers.CharField()
    next_steps = serializers.CharField()
    notes_private = serializers.SerializerMethodField(
        help_text="The mentor's private notes: only on the logs they wrote themselves; null on anyone else's."
    )

    def get_written_by_me(self, log: SessionLog) -> bool:
        return bool(log.author_id == self.context["user"].pk)

    def get_notes_private(self, log: SessionLog) -> str | None:
        # `session_logs_for` never reads another author's private notes; null says "not yours" rather than "none".
        return log.notes_private if self.get_written_by_me(log) else None


def _session_logs(user: User) -> QuerySet[SessionLog]:
    return session_logs_for(user=user).order_by("date", "pk")


class ExportGoalProgressSerializer(serializers.Serializer[Any]):
    goal = serializers.IntegerField(source="goal_id")
    goal_title = serializers.CharField(source="goal.title")
    session_log = serializers.IntegerField(source="session_id")
    date = serializers.DateField(source="session.date", help_text="The session's date.")
    progress = serializers.IntegerField()
    note = serializers.CharField()


def _goal_progress(user: User) -> QuerySet[SessionGoal]:
    """The progress logged on the person's own goals, session by session: the history of `goals[].progress`. From
    the logs of their matches as trainee, which they read."""
    return (
        SessionGoal.objects.filter(goal__trainee__user=user, session__match__trainee__user=user)
        .select_related("goal", "session")
        .defer("session__notes_private")
        .order_by("goal_id", "session__date", "session_id")
    )


def register_export_sections() -> None:
    export_section_register(
        "meetings",
        _meetings,
        serializer=ExportMeetingSerializer,
        many=True,
        help_text="The meetings of their matches, proposed, accepted or cancelled, oldest first.",
    )
    export_section_register(
        "feedback",
        _feedback,
        serializer=ExportFeedbackSerializer,
        many=True,
        help_text="Feedback on those meetings: their own, and the other person's once the meeting page shows it.",
    )
    export_section_register(
        "check_ins",
        _check_ins,
        serializer=ExportCheckInSerializer,
        many=True,
        help_text="Their own check-in answers.",
    )
    export_section_register(
        "session_logs",
        _session_logs,
        serializer=ExportSessionLogSerializer,
        many=True,
        help_text="Session logs of their matches, oldest first; private notes only on their own.",
    )
    export_section_register(
        "goal_progress",
        _goal_progress,
        serializer=ExportGoalProgressSerializer,
        many=True,
        help_text="The progress logged in sessions on their own goals, goal by goal.",
    )
