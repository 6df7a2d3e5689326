"""Matching's sections of a person's data export (`profiles.data_export`): their programs, shortlist, invitations,
requests and matches with their history, and what they recorded in other matches' histories as a coordinator.

What each may read of a match is the match's to say, as on the pages and in the API (`Match.breakdown_visible_to`,
`message_visible_to`, `decision_reason_visible_to`, `at_risk_visible_to`): a mentor's file holds the matches their
My mentees page lists, never a decline's reason; nobody's holds the at-risk flag of a match they are in. The
history's notes (a cleared at-risk flag, which quotes the flag's reason) follow the flag.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from django.db.models import Prefetch, Q
from rest_framework import serializers

from matching.models import Match, MatchTransition, Program, ProgramInvitation, ShortlistEntry
from matching.selectors_coordination import coordinated_programs, match_list_for
from profiles.data_export import export_section_register
from profiles.models import User


class ExportProgramSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=["trainee", "mentor", "coordinator"]),
        help_text="Enrolled as a trainee or a mentor, or one of its coordinators.",
    )


def _programs(user: User) -> list[dict[str, Any]]:
    roles: dict[int, list[str]] = {}
    enrolments = (
        ("trainee", Program.trainees.through.objects.filter(traineeprofile__user=user).values_list("program_id")),
        ("mentor", Program.mentors.through.objects.filter(mentorprofile__user=user).values_list("program_id")),
        ("coordinator", Program.coordinators.through.objects.filter(user=user).values_list("program_id")),
    )
    for role, program_ids in enrolments:
        for (program_id,) in program_ids:
            roles.setdefault(program_id, []).append(role)
    programs = Program.objects.filter(pk__in=roles).order_by("name")
    return [{"id": program.pk, "name": program.name, "roles": roles[program.pk]} for program in programs]


class ExportShortlistEntrySerializer(serializers.Serializer[Any]):
    mentor = serializers.CharField(source="mentor.user.full_name")
    rank = serializers.IntegerField(allow_null=True, help_text="1–3 for the top three, else null.")
    created_at = serializers.DateTimeField(help_text="When the mentor was starred.")


def _shortlist(user: User) -> list[ShortlistEntry]:
    return list(ShortlistEntry.objects.filter(trainee__user=user).select_related("mentor__user"))


class ExportInvitationSerializer(serializers.Serializer[Any]):
    program = serializers.CharField(source="program.name")
    role = serializers.ChoiceField(choices=ProgramInvitation.Role.choices)
    created_at = serializers.DateTimeField()
    enrolled_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField()


def _invitations(user: User) -> list[ProgramInvitation]:
    # An invitation waits for an address, and the account is trusted with one only once its owner confirmed it
    # (as enrolment is): before that, invitations to the address may be someone else's.
    if not user.email_confirmed:
        return []
    rows = ProgramInvitation.objects.filter(email=User.objects.normalize_email(user.email))
    return list(rows.select_related("program").order_by("created_at", "pk"))


class ExportHistoryEntrySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    from_status = serializers.CharField(help_text='"" for the entry that created the match.')
    to_status = serializers.CharField()
    by = serializers.CharField(allow_null=True, help_text="Who made the change (null: the system).")
    reason = serializers.CharField(help_text='"" where the reason is not the reader\'s to read.')


class ExportMatchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    program = serializers.CharField()
    my_role = serializers.ChoiceField(choices=["trainee", "mentor"])
    other_person = serializers.CharField()
    status = serializers.ChoiceField(choices=Match.Status.choices)
    origin = serializers.ChoiceField(choices=Match.Origin.choices)
    score = serializers.FloatField(allow_null=True)
    score_breakdown = serializers.JSONField(help_text="`{}` where the reasons are not the reader's to read.")
    message = serializers.CharField(help_text="The trainee's message with the request, where the reader reads it.")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    decision_reason = serializers.CharField()
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()
    at_risk_since = serializers.DateTimeField(allow_null=True, help_text="For the program's other coordinators.")
    at_risk_reason = serializers.CharField()
    history = ExportHistoryEntrySerializer(many=True)


def _matches(user: User) -> list[dict[str, Any]]:
    coordinated = set(coordinated_programs(user=user).values_list("pk", flat=True))
    history = MatchTransition.objects.select_related("by").order_by("at", "pk")
    # The person's own matches as GET /api/v1/matches/ lists them to them (a mentor: what My mentees shows), not
    # the other matches of the programs they coordinate, which are other people's data.
    matches = (
        match_list_for(user=user)
        .filter(Q(trainee__user=user) | Q(mentor__user=user))
        .prefetch_related(Prefetch("transitions", queryset=history))
    )
    return [_match(match, user, coordinated) for match in matches]


def _match(match: Match, user: User, coordinated: Container[int]) -> dict[str, Any]:
    as_trainee = match.trainee.user_id == user.pk
    at_risk = match.at_risk_visible_to(user, coordinated)
    return {
        "id": match.pk,
        "program": match.program.name,
        "my_role": "trainee" if as_trainee else "mentor",
        "other_person": str(match.mentor if as_trainee else match.trainee),
        "status": match.status,
        "origin": match.origin,
        "score": match.score,
        "score_breakdown": match.score_breakdown if match.breakdown_visible_to(user) else {},
        "message": match.message if match.message_visible_to(user, coordinated) else "",
        "created_at": match.created_at,
        "decided_at": match.decided_at,
        "decided_by": str(match.decided_by) if match.decided_by else None,
        "decision_reason": match.decision_reason if match.decision_reason_visible_to(user, coordinated) else "",
        "ended_at": match.ended_at,
        "end_reason": match.end_reason,
        "at_risk_since": match.at_risk_since if at_risk else None,
        "at_risk_reason": match.at_risk_reason if at_risk else "",
        "history": _history(match, user, coordinated),
    }


def _history(match: Match, user: User, coordinated: Container[int]) -> list[dict[str, Any]]:
    entries = []
    for entry in match.transitions.all():
        is_note = entry.from_status == entry.to_status
        if is_note and not match.at_risk_visible_to(user, coordinated):
            continue  # a cleared at-risk flag's note quotes the flag's reason
        # A status change's reason is the decision's (a decline's is written to the trainee), but an end's reason
        # is written to both.
        readable = (
            is_note or entry.to_status == Match.Status.ENDED or match.decision_reason_visible_to(user, coordinated)
        )
        entries.append(
            {
                "at": entry.at,
                "from_status": entry.from_status,
                "to_status": entry.to_status,
                "by": str(entry.by) if entry.by else None,
                "reason": entry.reason if readable else "",
            }
        )
    return entries


class ExportCoordinationEntrySerializer(serializers.Serializer[Any]):
    match = serializers.IntegerField()
    program = serializers.CharField()
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField(help_text='What they wrote, while they coordinate the program; else "".')


def _coordination_history(user: User) -> list[dict[str, Any]]:
    """The entries `user` wrote into the history of matches they are not in: their decisions as a coordinator.
    Not the people of those matches (other people's data); the reason they wrote only while they still coordinate
    the program, as its admin pages would show it them."""
    coordinated = set(coordinated_programs(user=user).values_list("pk", flat=True))
    entries = (
        MatchTransition.objects.filter(by=user)
        .exclude(match__trainee__user=user)
        .exclude(match__mentor__user=user)
        .select_related("match__program")
        .order_by("at", "pk")
    )
    return [
        {
            "match": entry.match_id,
            "program": entry.match.program.name,
            "at": entry.at,
            "from_status": entry.from_status,
            "to_status": entry.to_status,
            "reason": entry.reason if entry.match.program_id in coordinated else "",
        }
        for entry in entries
    ]


def register_export_sections() -> None:
    export_section_register(
        "programs", _programs, serializer=ExportProgramSerializer, many=True, help_text="The programs taken part in."
    )
    export_section_register(
        "shortlist",
        _shortlist,
        serializer=ExportShortlistEntrySerializer,
        many=True,
        help_text="The mentors the trainee starred.",
    )
    export_section_register(
        "invitations",
        _invitations,
        serializer=ExportInvitationSerializer,
        many=True,
        help_text="Invitations to programs sent to the account's address, once the address is confirmed.",
    )
    export_section_register(
        "matches",
        _matches,
        serializer=ExportMatchSerializer,
        many=True,
        help_text="Requests and matches as trainee or mentor, newest first, with the history entries the reader may "
        "read.",
    )
    export_section_register(
        "coordination_history",
        _coordination_history,
        serializer=ExportCoordinationEntrySerializer,
        many=True,
        help_text="As a coordinator: what they recorded in the history of matches they are not in (approvals, "
        "declines, ends, cleared flags).",
    )
