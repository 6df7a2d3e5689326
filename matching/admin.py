"""The coordinators' admin: programs, matches (batch decisions), matching rounds, program health.

Access comes from coordinating a program, not from Django model permissions: see admin_views/access.py.
Nothing here writes a match directly; actions and pages call the services in matching/services/.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import floatformat
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from matching.admin_views import access, rounds
from matching.admin_views.actions import approve_selected, decisions_for, decline_selected, end_selected
from matching.admin_views.display import breakdown_table
from matching.admin_views.program_pages import ProgramPages
from matching.models import Match, MatchingRound, MatchTransition, Program, ProgramInvitation
from notifications.admin import register_coordinator_scope
from profiles.models import MentorProfile, TraineeProfile, User


class CoordinatorAccess:
    """Staff who coordinate programs may view these models; superusers keep their usual powers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_coordinator(request.user)


@admin.register(Program)
class ProgramAdmin(CoordinatorAccess, ProgramPages, admin.ModelAdmin):
    list_display = ("name", "is_active", "starts_on", "ends_on", "open_to_all", "links")
    list_filter = ("is_active", "open_to_all")
    search_fields = ("name",)
    filter_horizontal = ("coordinators", "mentors", "trainees")
    change_form_template = "admin/matching/program/change_form.html"
    fieldsets = (
        (None, {"fields": ("name", "description", ("starts_on", "ends_on"), "is_active")}),
        ("People", {"fields": ("coordinators", "open_to_all", "mentors", "trainees")}),
        (
            "Scoring",
            {
                "fields": ("weights", "institution_rule", "stage_gap_best", "time_zone_cap_hours"),
                "description": "Weights are a JSON object of component → number from 0 to 100, e.g. "
                '{"specialty": 3, "focus_areas": 3, "career_stage": 2}.',
            },
        ),
        (
            "Requests",
            {
                "fields": ("max_open_requests", "request_reminder_days", "request_expiry_days"),
                "description": "Coordinators are reminded of an open request before it expires.",
            },
        ),
        (
            "Cadence",
            {
                "fields": (
                    "reminder_lead_hours",
                    "first_meeting_days",
                    "inactivity_days",
                    "first_checkin_days",
                    "checkin_every_days",
                ),
                "classes": ("collapse",),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return access.programs_for(access.request_user(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_coordinator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def get_autocomplete_fields(self, request: HttpRequest) -> tuple[str, ...]:
        # Large cohorts need autocomplete, which needs a profile admin this user may view; otherwise fall back to
        # filter_horizontal (still keyboard-usable).
        fields = []
        for name, model in (("mentors", MentorProfile), ("trainees", TraineeProfile)):
            model_admin = self.admin_site._registry.get(model)
            if model_admin and model_admin.search_fields and model_admin.has_view_permission(request):
                fields.append(name)
        return tuple(fields)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> ModelMultipleChoiceField:
        if db_field.name == "coordinators":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        assert field is not None
        if db_field.name in ("mentors", "trainees") and field.queryset is not None:
            field.queryset = field.queryset.select_related("user")
        return field

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = access.request_user(request)
        if not user.is_superuser:
            # A coordinator who creates or edits a program never locks themselves out of it.
            form.instance.coordinators.add(user)


class ProgramListFilter(admin.SimpleListFilter):
    """Only the programs this coordinator runs are offered."""

    title = "program"
    parameter_name = "program"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(p.pk), p.name) for p in access.programs_for(access.request_user(request))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(program_id=self.value()) if self.value() else queryset


class RoundListFilter(admin.SimpleListFilter):
    """A round's proposals, for bulk approval from the round page."""

    title = "matching round"
    parameter_name = "round"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        recent = access.rounds_for(access.request_user(request)).select_related("program")[:10]
        return [(str(r.pk), f"#{r.pk} {r}") for r in recent]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(round_id=self.value()) if self.value() else queryset


class MatchTransitionInline(admin.TabularInline):
    """The audit history: who moved the match from which status to which, when, and why. Never edited."""

    model = MatchTransition
    fields = ("at", "by", "from_status", "to_status", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "history entry"
    verbose_name_plural = "History (who, when, from → to, reason)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchTransition]:
        return super().get_queryset(request).select_related("by")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access.is_coordinator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Match)
class MatchAdmin(CoordinatorAccess, admin.ModelAdmin):
    list_display = ("trainee_name", "mentor_name", "program", "status", "score_display", "mentor_load", "age")
    list_filter = (
        ProgramListFilter,
        RoundListFilter,
        "status",
        "origin",
        ("mentor__specialty", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "trainee__user__full_name",
        "trainee__user__email",
        "mentor__user__full_name",
        "mentor__user__email",
    )
    list_select_related = ("program", "trainee__user", "mentor__user")
    change_form_template = "admin/matching/match/change_form.html"
    list_per_page = 100
    list_max_show_all = 1000
    actions = (approve_selected, decline_selected, end_selected)
    inlines = (MatchTransitionInline,)
    fieldsets = (
        (None, {"fields": ("program", "trainee", "mentor", "status", "origin", "round", "created_at")}),
        ("Why it was proposed", {"fields": ("score", "breakdown")}),
        ("Request", {"fields": ("message",)}),
        ("Decision", {"fields": ("decided_by", "decided_at", "decision_reason", "ended_at", "end_reason")}),
        ("Follow-up", {"fields": ("at_risk_since", "at_risk_reason")}),
    )
    readonly_fields = (
        "program",
        "trainee",
        "mentor",
        "status",
        "origin",
        "round",
        "created_at",
        "score",
        "breakdown",
        "message",
        "decided_by",
        "decided_at",
        "decision_reason",
        "ended_at",
        "end_reason",
        "at_risk_since",
        "at_risk_reason",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        # The mentor's load in one correlated subquery: the changelist stays a constant number of queries.
        approved = (
            Match.objects.filter(mentor_id=OuterRef("mentor_id"), status=Match.Status.APPROVED)
            .order_by()
            .values("mentor_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return access.matches_for(access.request_user(request)).annotate(
            mentor_active=Coalesce(Subquery(approved, output_field=IntegerField()), Value(0))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # matches come from trainees' requests and matching rounds

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decisions go through the actions, never by editing fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history of a match is kept

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        match = self.get_object(request, object_id)
        decisions = decisions_for(match) if match is not None and self.has_decide_permission(request) else []
        context = {"decisions": decisions, "action_checkbox_name": ACTION_CHECKBOX_NAME}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    @admin.display(description="Trainee", ordering="trainee__user__full_name")
    def trainee_name(self, match: Match) -> str:
        return str(match.trainee)

    @admin.display(description="Mentor", ordering="mentor__user__full_name")
    def mentor_name(self, match: Match) -> str:
        return str(match.mentor)

    @admin.display(description="Score", ordering="score")
    def score_display(self, match: Match) -> str:
        # As the site rounds it (half up), so a 76.5 reads 77 to the coordinator as to the trainee, not 76.
        return floatformat(match.score, 0) if match.score is not None else "–"

    @admin.display(description="Mentor load", ordering="mentor_active")
    def mentor_load(self, match: Match) -> str:
        return f"{getattr(match, 'mentor_active', 0)}/{match.mentor.capacity}"

    @admin.display(description="Age", ordering="created_at")
    def age(self, match: Match) -> str:
        return timesince(match.created_at, timezone.now(), depth=1)

    @admin.display(description="Score breakdown")
    def breakdown(self, match: Match) -> SafeString:
        return breakdown_table(match.score, match.score_breakdown)


@admin.register(MatchingRound)
class MatchingRoundAdmin(CoordinatorAccess, admin.ModelAdmin):
    list_display = ("__str__", "program", "algorithm", "status", "stage", "progress", "started_by")
    list_filter = ("status", "algorithm")
    list_select_related = ("program", "started_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchingRound]:
        return access.rounds_for(access.request_user(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return rounds.start_page(self, request)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return rounds.detail_page(self, request, object_id)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:round_id>/status.json", wrap(self.status_view), name="matching_matchinground_status"),
            *super().get_urls(),
        ]

    def status_view(self, request: HttpRequest, round_id: int) -> HttpResponse:
        return rounds.status_json(self, request, round_id)


# The outbox cannot tell which program a message belongs to (notifications sits below matching), so each app
# above it names the objects of its own a coordinator may see and retry: here, their programs' matches and
# invitations (meetings registers its meetings).
def _match_ids(user: Any) -> QuerySet[Any]:
    return access.matches_for(user).values("pk")


def _invitation_ids(user: Any) -> QuerySet[Any]:
    return ProgramInvitation.objects.filter(program__in=access.programs_for(user)).values("pk")


register_coordinator_scope("match", _match_ids)
register_coordinator_scope("programinvitation", _invitation_ids)
