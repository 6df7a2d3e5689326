"""Shapes of the meetings API: meetings, their proposals and answers, and the to-do (session logs and feedback are in
`session_serializers`). Serializers check types only; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.api.coordination import PersonSerializer
from matching.models import Match
from matching.selectors_coordination import match_list_for
from meetings.models import (
    DETAIL_FIELD,
    MAX_DURATION_MINUTES,
    TEXT_MAX_LENGTH,
    VIDEO_LINK_MAX_LENGTH,
    Meeting,
)
from meetings.people import other_side, time_zone_for
from meetings.selectors import FOLLOW_UP_STATES, follow_up
from mentorship.api import KnownFieldsOnly, VisibleIdField


class FollowUpSerializer(serializers.Serializer):
    log = serializers.ChoiceField(
        choices=FOLLOW_UP_STATES,
        allow_null=True,
        help_text='"done": the session is logged; "due": you are its mentor and can log it; null: nothing for you.',
    )
    feedback = serializers.ChoiceField(choices=FOLLOW_UP_STATES, help_text="Whether you have given your feedback.")


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    start_local = serializers.SerializerMethodField(help_text="The start in the requester's own time zone.")
    time_zone = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()
    other_person = serializers.SerializerMethodField(help_text="The other person of the match (profile id, name).")
    follow_up = serializers.SerializerMethodField(
        help_text="Once an accepted meeting has ended: its session log and your feedback, done or due; else null."
    )
    proposed_by_me = serializers.SerializerMethodField(
        help_text="Whether you proposed the current time: while `status` is `proposed`, the other person accepts "
        "it, and you may not."
    )

    class Meta:
        model = Meeting
        fields = (
            "id",
            "match",
            "other_person",
            "proposed_by",
            "proposed_by_me",
            "start",
            "start_local",
            "time_zone",
            "duration_minutes",
            "format",
            "place",
            "video_link",
            "phone",
            "agenda",
            "status",
            "sequence",
            "cancel_reason",
            "ics_url",
            "follow_up",
        )
        read_only_fields = fields
        extra_kwargs = {
            "proposed_by": {
                "help_text": "Who proposed the current time, as a user id (the `id` of GET /api/v1/me/): not a "
                "profile id like `other_person.id` or a match's `trainee` and `mentor`, so never compare it with "
                "those. `proposed_by_me` says whether it was you."
            }
        }

    def _user(self) -> Any:
        return self.context["request"].user

    def get_proposed_by_me(self, obj: Meeting) -> bool:
        return bool(obj.proposed_by_id == self._user().pk)

    def get_start_local(self, obj: Meeting) -> str:
        return obj.start.astimezone(time_zone_for(obj.match, self._user())).isoformat()

    def get_time_zone(self, obj: Meeting) -> str:
        return time_zone_for(obj.match, self._user()).key

    @extend_schema_field(PersonSerializer)
    def get_other_person(self, obj: Meeting) -> dict[str, Any]:
        profile = other_side(obj.match, self._user())
        return {"id": profile.pk, "name": str(profile)}

    @extend_schema_field(FollowUpSerializer(allow_null=True))
    def get_follow_up(self, obj: Meeting) -> dict[str, str | None] | None:
        found = follow_up(obj, user=self._user())
        return None if found is None else {"log": found.log, "feedback": found.feedback}

    def get_ics_url(self, obj: Meeting) -> str:
        return reverse("meeting-ics", args=[obj.pk])


class FirstMeetingDueSerializer(serializers.Serializer):
    match = serializers.IntegerField(
        help_text="The approved match with no accepted meeting yet, held or booked, nor a proposal ahead."
    )
    program_name = serializers.CharField()
    other_person = serializers.CharField(help_text="The mentor, or the mentee when you are the mentor.")


class ToDoSerializer(serializers.Serializer):
    """What waits on the requester in their own matches (the same as the home page's "what's next")."""

    next_meeting = MeetingSerializer(allow_null=True, help_text="The next accepted meeting, or null.")
    to_answer = MeetingSerializer(
        many=True, help_text="Proposals by the other person that can still be answered (not begun yet)."
    )
    feedback_due = MeetingSerializer(many=True, help_text="Meetings of the last 30 days without your feedback.")
    logs_due = MeetingSerializer(many=True, help_text="As the mentor: meetings of the last 30 days without a log.")
    first_meeting_due = serializers.SerializerMethodField()

    @extend_schema_field(FirstMeetingDueSerializer(many=True))
    def get_first_meeting_due(self, todo: Any) -> list[dict[str, Any]]:
        user = self.context["request"].user
        return [
            {
                "match": match.pk,
                "program_name": match.program.name,
                "other_person": str(other_side(match, user)),
            }
            for match in todo.first_meeting_due
        ]


class WallClockDateTimeField(serializers.DateTimeField):
    """Keeps a value without an offset naive, so the view can read it in the person's own zone (DRF would read it
    in the server's)."""

    def enforce_timezone(self, value: datetime) -> datetime:
        return value


class MeetingTimeSerializer(KnownFieldsOnly):
    start = WallClockDateTimeField(
        help_text="ISO 8601. Without an offset it is read in your own time zone (the one on your profile).",
    )
    duration_minutes = serializers.IntegerField(min_value=5, max_value=MAX_DURATION_MINUTES, required=False)


_UNUSED_DETAIL = "Read for a `format` of %s only; with another format it is ignored (neither checked nor saved)."


class MeetingProposeSerializer(MeetingTimeSerializer):
    # Matches the caller sees in GET /matches/ (a coordinator's programs' included): for those the service's 403
    # is no news; anyone else's is "does not exist".
    match = VisibleIdField(queryset=Match.objects.all(), visible=match_list_for)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=MAX_DURATION_MINUTES, default=45)
    format = serializers.ChoiceField(choices=Meeting.Format.choices)
    place = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, help_text=_UNUSED_DETAIL % "`in_person`"
    )
    video_link = serializers.URLField(
        max_length=VIDEO_LINK_MAX_LENGTH,
        required=False,
        default="",
        allow_blank=True,
        help_text=_UNUSED_DETAIL % "`video`",
    )
    phone = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True, help_text=_UNUSED_DETAIL % "`phone`"
    )
    agenda = serializers.CharField(required=False, default="", allow_blank=True, max_length=TEXT_MAX_LENGTH)

    def to_internal_value(self, data: Any) -> Any:
        # Only the chosen format's detail is read (the service keeps no other, as the page's form does): a link left
        # from video on an in-person proposal, by a client that sends every field, was refused as not a URL though
        # nobody would ever see it.
        chosen = data.get("format") if isinstance(data, Mapping) else None
        used = DETAIL_FIELD.get(chosen) if isinstance(chosen, str) else None
        if used is not None:
            data = {name: value for name, value in data.items() if name == used or name not in DETAIL_FIELD.values()}
        return super().to_internal_value(data)


class MeetingAnswerSerializer(KnownFieldsOnly):
    sequence = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The meeting's `sequence` as you read it. If the meeting was moved or cancelled since, nothing "
        "is changed and the answer is 412 `changed_since_read`. Without it, the answer applies to the meeting as "
        "it is now.",
    )
    status = serializers.ChoiceField(
        choices=Meeting.Status.choices,
        required=False,
        help_text="The meeting's `status` as you read it. Accepting keeps the `sequence`, so a decline sent from a "
        "read made before the meeting was accepted (on another device) is told apart by its status: if the status is "
        "no longer this one, nothing is changed and the answer is 412 `changed_since_read`.",
    )


class MeetingMoveSerializer(MeetingTimeSerializer, MeetingAnswerSerializer):
    """A new time for a meeting, with the `sequence` and `status` it had as you read it: a time the other person
    moved since, or a proposal they accepted since, is not overwritten (412)."""


class MeetingCancelSerializer(MeetingAnswerSerializer):
    reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
