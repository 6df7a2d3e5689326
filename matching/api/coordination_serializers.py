"""The coordinators' side of the API, its shapes: matches, rounds, decision bodies, and the list filters.

Who may read a match's score breakdown, its at-risk flag, the trainee's message and a decision's reason is the
match's to say (`Match.breakdown_visible_to`, `Match.at_risk_visible_to`, `Match.message_visible_to`,
`Match.decision_reason_visible_to`), and what each of its two people reads of the other is the selectors'
(`trainee_summary_for`, `mentor_summary_for`); the serializer only blanks what the caller may not read.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.models import Match, MatchingRound
from matching.selectors.mentorship import TraineeSummary, mentor_summary_for, trainee_summary_for
from matching.selectors_coordination import coordinated_programs
from matching.services.decisions import REASON_MAX_LENGTH
from matching.services.refusals import DECLINE_REASON_READ_BY, END_REASON_READ_BY
from mentorship.api import KnownFieldsOnly
from mentorship.filters import IdFilter, OneOfFilter
from profiles.access import signed_in_user
from profiles.models import User


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Profile id.")
    name = serializers.CharField()


class TraineeSummarySerializer(serializers.Serializer):
    """The trainee as the match's mentor reads them on *My mentees*."""

    career_stage = serializers.IntegerField(source="trainee.career_stage")
    career_stage_label = serializers.CharField(source="trainee.get_career_stage_display")
    institution = serializers.CharField(source="trainee.institution", help_text="'' when they gave none.")
    specialty_interests = serializers.SerializerMethodField()
    focus_areas = serializers.SerializerMethodField(help_text="The focus areas they seek help with.")
    statement = serializers.CharField(source="trainee.statement", help_text="What they want from mentoring.")
    email = serializers.EmailField(
        allow_null=True, help_text="Their e-mail address once the match is approved; null for a request."
    )
    left_program = serializers.BooleanField(
        help_text="Their account is deactivated: no meeting can be arranged, and a coordinator will end the match."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_specialty_interests(self, summary: TraineeSummary) -> list[str]:
        return [specialty.name for specialty in summary.trainee.specialty_interests.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_focus_areas(self, summary: TraineeSummary) -> list[str]:
        return [area.name for area in summary.trainee.focus_areas.all()]


class MentorSummarySerializer(serializers.Serializer):
    """The mentor as the match's trainee reads them on *My mentorship*."""

    specialty = serializers.CharField()
    email = serializers.EmailField()
    left_program = serializers.BooleanField(
        help_text="Their account is deactivated: no meeting can be arranged, and a coordinator will end the match."
    )


class MatchSerializer(serializers.ModelSerializer[Match]):
    program_name = serializers.CharField(source="program.name", read_only=True)
    trainee = serializers.SerializerMethodField()
    mentor = serializers.SerializerMethodField()
    trainee_summary = serializers.SerializerMethodField(
        help_text="For the match's mentor, what *My mentees* shows of the trainee: their profile for a request "
        "waiting for a decision, their profile and e-mail address once the match is approved. Null for a round's "
        "proposal nobody approved yet (the trainee has shared nothing), an ended or closed match, and for anyone "
        "but the match's mentor."
    )
    mentor_summary = serializers.SerializerMethodField(
        help_text="For the match's trainee, what *My mentorship* shows of the mentor once the match is approved: "
        "their specialty and e-mail address (while they take part, the rest of their profile is `GET "
        "/api/v1/mentors/{id}/` with the `id` of `mentor`). Null before and after, and for anyone but the match's "
        "trainee."
    )
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = (
            "id",
            "program",
            "program_name",
            "trainee",
            "mentor",
            "trainee_summary",
            "mentor_summary",
            "status",
            "origin",
            "round",
            "score",
            "score_breakdown",
            "message",
            "created_at",
            "updated_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "ended_at",
            "end_reason",
            "at_risk_since",
            "at_risk_reason",
        )
        read_only_fields = fields
        extra_kwargs = {
            "score_breakdown": {
                "help_text": "The score's components and reasons, as the match was scored. Empty (`{}`) for the "
                "mentor of a round's proposal nobody approved: the reasons are the trainee's, shared once they ask "
                "or the match is approved."
            },
            "message": {
                "help_text": "What the trainee hopes to get from the request. Its mentor reads it while the request "
                "waits for a decision, as on their My mentees page, and reads it empty once it is closed; the trainee "
                "and the program's coordinators always read it."
            },
            "decision_reason": {
                "help_text": "Why a coordinator declined the match, or why it was closed (another mentor was "
                "approved). Written to the trainee: always empty for the match's mentor. An ended match's reason is "
                "`end_reason`, which both read."
            },
            "at_risk_since": {
                "help_text": 'When the match was flagged at risk (no first meeting, no sessions, a "not a good fit" '
                "answer), or null. Shown to the program's coordinators only, as `at_risk_reason` (never to one who is "
                "the match's mentor or trainee): a reason can rest on one person's feedback, which the other does not "
                "read."
            },
        }

    @extend_schema_field(PersonSerializer)
    def get_trainee(self, match: Match) -> dict[str, Any]:
        return {"id": match.trainee_id, "name": str(match.trainee)}

    @extend_schema_field(PersonSerializer)
    def get_mentor(self, match: Match) -> dict[str, Any]:
        return {"id": match.mentor_id, "name": str(match.mentor)}

    @extend_schema_field(TraineeSummarySerializer(allow_null=True))
    def get_trainee_summary(self, match: Match) -> dict[str, Any] | None:
        user = self._reader()
        summary = trainee_summary_for(match=match, reader=user) if user is not None else None
        return None if summary is None else TraineeSummarySerializer(summary).data

    @extend_schema_field(MentorSummarySerializer(allow_null=True))
    def get_mentor_summary(self, match: Match) -> dict[str, Any] | None:
        user = self._reader()
        summary = mentor_summary_for(match=match, reader=user) if user is not None else None
        return None if summary is None else MentorSummarySerializer(summary).data

    def _reader(self) -> User | None:
        request = self.context.get("request")
        return signed_in_user(request) if request is not None else None

    def get_decided_by(self, match: Match) -> str | None:
        return str(match.decided_by) if match.decided_by else None

    def to_representation(self, instance: Match) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self._reader()
        if user is not None and not instance.breakdown_visible_to(user):
            data["score_breakdown"] = {}
        if user is None or not instance.at_risk_visible_to(user, self._coordinated(user)):
            data["at_risk_since"], data["at_risk_reason"] = None, ""
        if user is None or not instance.message_visible_to(user, self._coordinated(user)):
            data["message"] = ""
        if user is None or not instance.decision_reason_visible_to(user, self._coordinated(user)):
            data["decision_reason"] = ""
        return data

    def _coordinated(self, user: Any) -> set[int]:
        """The ids of the programs the caller coordinates, read once per response (a list has many matches)."""
        if "coordinated" not in self.context:
            self.context["coordinated"] = set(coordinated_programs(user=user).values_list("pk", flat=True))
        coordinated: set[int] = self.context["coordinated"]
        return coordinated


class DeclineReasonSerializer(KnownFieldsOnly):
    """Why the match is declined: the trainee reads it, the mentor does not."""

    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text=DECLINE_REASON_READ_BY)


class EndReasonSerializer(KnownFieldsOnly):
    """Why the match is ended: both the trainee and the mentor read it."""

    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text=END_REASON_READ_BY)


class NoteSerializer(KnownFieldsOnly):
    note = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        help_text="What was done, or why the match is fine: recorded in the match's history.",
    )


class RoundStartSerializer(KnownFieldsOnly):
    algorithm = serializers.ChoiceField(choices=MatchingRound.Algorithm.choices, default="optimal")


class RoundSerializer(serializers.ModelSerializer[MatchingRound]):
    program_name = serializers.CharField(source="program.name", read_only=True)
    proposals = serializers.SerializerMethodField()

    class Meta:
        model = MatchingRound
        fields = (
            "id",
            "program",
            "program_name",
            "algorithm",
            "status",
            "stage",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
            "quality",
            "error",
            "proposals",
        )
        read_only_fields = fields
        extra_kwargs = {
            "quality": {
                "help_text": "When done: the engine's report. `trainees`, `matched`, `could_match`, "
                "`matched_pct_of_possible`, `top3_pct`, `mean_score`, `max_load_ratio`, `load_gini` (of each mentor's "
                "mentees ÷ places offered), `blocking_pairs` (0 for a stable round; an optimal round's counted against "
                "the stable round's preference lists; null when some pairs were not written), `not_written` (pairs the "
                "engine chose that changes while it ran ruled out), `free_places` (offered in the round), "
                "`free_places_left` (still free "
                "if every proposal is approved), `mentors_with_free_places_left`, `unmatched`, and why: "
                "`unmatched_no_acceptable_mentor` (a hard rule ruled out every mentor with a free place) and "
                "`unmatched_places_ran_out` (their acceptable mentors' places went to others). Rounds run before a "
                "key existed lack it."
            }
        }

    def get_proposals(self, matching_round: MatchingRound) -> int:
        counted = getattr(matching_round, "proposal_count", None)  # round_list_for counts them in its query
        return int(counted) if counted is not None else matching_round.proposals.count()


class MatchFilter(django_filters.FilterSet):
    status = OneOfFilter(choices=Match.Status.choices)
    program = IdFilter(field_name="program_id")

    class Meta:
        model = Match
        fields = ("status", "program")


class RoundFilter(django_filters.FilterSet):
    status = OneOfFilter(choices=MatchingRound.Status.choices)
    program = IdFilter(field_name="program_id")

    class Meta:
        model = MatchingRound
        fields = ("status", "program")
