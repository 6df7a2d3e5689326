"""The match list: filters (`match_filters`), score and mentor load, the batch decisions (and clearing at-risk
flags), and each match's page with its breakdown and history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from matching.admin.at_risk import clear_at_risk_selected
from matching.admin.match_filters import AtRiskListFilter, ProgramListFilter, RoundListFilter
from matching.admin.programs import CoordinatorAccess
from matching.admin_views import access
from matching.admin_views.actions import approve_selected, decisions_for, decline_selected, end_selected
from matching.admin_views.display import breakdown_table, summary_of
from matching.models import Match, MatchTransition
from matching.services.decisions import AT_RISK_CLEARED
from matching.services.refusals import ConflictOfInterest, ensure_not_a_party
from mentorship.admin_lookups import NoLookupsOn
from mentorship.admin_readonly import WrittenByServices
from mentorship.admin_search import BoundedSearch
from profiles.access import signed_in_user

#: The fieldset of the at-risk flag, left out for a coordinator who is the match's mentor or trainee.
FOLLOW_UP = "Follow-up"


class MatchTransitionInline(WrittenByServices, admin.TabularInline):
    """The audit history: who moved the match from which status to which, when, and why. Never edited."""

    model = MatchTransition
    fields = ("at", "by", "from_status", "to_status", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "history entry"
    verbose_name_plural = "History (who, when, from → to, reason)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchTransition]:
        # A cleared at-risk flag's entry quotes the flag's reason: not for a coordinator who is the match's mentor or
        # trainee (`Match.at_risk_visible_to`).
        user = signed_in_user(request)
        theirs = Q(match__mentor__user=user) | Q(match__trainee__user=user)
        flag_notes = Q(reason__startswith=AT_RISK_CLEARED) & theirs
        return super().get_queryset(request).select_related("by").exclude(flag_notes)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access.is_coordinator(request.user)


#: Inlines the apps above matching add to a match's page (meetings: the check-in answers its coordinators read),
#: which matching cannot import.
_inlines_from_above: list[type[admin.options.InlineModelAdmin[Any, Any]]] = []


def match_page_inline_register(inline: type[admin.options.InlineModelAdmin[Any, Any]]) -> None:
    if inline not in _inlines_from_above:
        _inlines_from_above.append(inline)


class MatchChangeList(ChangeList):
    """Counts the mentor load of the page's mentors only, in one query once the page is cut: the correlated subquery
    ran for every match the list skipped too (28,383 loops for the last page of 28,383 matches, 0.3 s)."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        rows = [match for match in self.result_list if not hasattr(match, "mentor_active")]
        if not rows:
            return
        loads = dict(
            Match.objects.filter(mentor_id__in={match.mentor_id for match in rows}, status=Match.Status.APPROVED)
            .order_by()
            .values_list("mentor_id")
            .annotate(n=Count("pk"))
        )
        for match in rows:
            match.mentor_active = loads.get(match.mentor_id, 0)  # type: ignore[attr-defined]


# Nobody adds, edits or deletes a match here: matches come from trainees' requests and matching rounds, decisions
# go through the actions, and the history of a match is kept.
@admin.register(Match)
class MatchAdmin(NoLookupsOn, WrittenByServices, BoundedSearch, CoordinatorAccess, admin.ModelAdmin):
    list_display = ("trainee_name", "mentor_name", "program", "status", "score_display", "why", "mentor_load", "age")
    list_filter = (
        ProgramListFilter,
        RoundListFilter,
        AtRiskListFilter,
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
    actions = (approve_selected, decline_selected, end_selected, clear_at_risk_selected)
    inlines = (MatchTransitionInline,)
    fieldsets = (
        (None, {"fields": ("program", "trainee", "mentor", "status", "origin", "round", "created_at")}),
        ("Why it was proposed", {"fields": ("score", "breakdown")}),
        ("Request", {"fields": ("message",)}),
        ("Decision", {"fields": ("decided_by", "decided_at", "decision_reason", "ended_at", "end_reason")}),
        (FOLLOW_UP, {"fields": ("at_risk_since", "at_risk_reason")}),
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

    # The list filters on any field of the match from the address bar: a coordinator who is a match's mentor or
    # trainee, from whom its at-risk flag is hidden everywhere (`Match.at_risk_visible_to`), listed their own
    # match with ?at_risk_since__isnull=False and spelled out its reason — the other person's answer — with
    # ?at_risk_reason__icontains=…. No page links such a filter: refused (400) for everyone, as the user admin
    # refuses lookups on secrets.
    lookups_refused = frozenset({"at_risk_since", "at_risk_reason"})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        matches = access.matches_for(signed_in_user(request))
        if not self._ordered_by_load(request):
            return matches  # the page's loads are counted for its rows alone (MatchChangeList)
        # Sorting by load needs it on every row: one correlated subquery, still a constant number of queries.
        approved = (
            Match.objects.filter(mentor_id=OuterRef("mentor_id"), status=Match.Status.APPROVED)
            .order_by()
            .values("mentor_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return matches.annotate(mentor_active=Coalesce(Subquery(approved, output_field=IntegerField()), Value(0)))

    def _ordered_by_load(self, request: HttpRequest) -> bool:
        """Whether the list's `?o=` sorts by the Mentor load column. Its number counts the action checkbox when the
        list has actions: both numbers are taken, since annotating once too often only costs time."""
        column = self.list_display.index("mentor_load")
        asked = {part.lstrip("-") for part in request.GET.get(ORDER_VAR, "").split(".")}
        return bool(asked & {str(column), str(column + 1)})

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return MatchChangeList

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def get_inlines(self, request: HttpRequest, obj: Match | None) -> Any:
        return (*super().get_inlines(request, obj), *_inlines_from_above)

    def get_fieldsets(self, request: HttpRequest, obj: Match | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.involves(signed_in_user(request)):
            # The flag and its reason are for the other coordinators of the program (`Match.at_risk_visible_to`).
            return [(name, options) for name, options in fieldsets if name != FOLLOW_UP]
        return fieldsets

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        match = self.get_object(request, object_id)
        may_decide = match is not None and self.has_decide_permission(request)
        decisions = decisions_for(match) if may_decide and match is not None else []
        # A flag is cleared on its own form (its note is not a decision's reason); the same people may clear it.
        can_clear = may_decide and match is not None and match.at_risk_since is not None
        conflict = None
        if (decisions or can_clear) and match is not None:
            try:  # the service refuses it anyway; the page says why before anyone clicks
                ensure_not_a_party(match=match, by=signed_in_user(request))
            except ConflictOfInterest as error:
                # Said only where there is a decision to leave to another coordinator: on a match with none (an
                # ended one), the note would tell its mentor or trainee that it is flagged at risk.
                conflict = error.message if decisions else None
                decisions, can_clear = [], False
        context = {
            "decisions": decisions,
            "can_clear_at_risk": can_clear,
            "conflict": conflict,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
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

    @admin.display(description="Why")
    def why(self, match: Match) -> str:
        """The engine's top reasons, as the trainee reads them in the directory, snapshotted when the round ran or
        the request was made: read from the row itself, so the list costs no query per match."""
        return summary_of(match.score_breakdown) or "–"

    @admin.display(description="Mentor load", ordering="mentor_active")
    def mentor_load(self, match: Match) -> str:
        return f"{getattr(match, 'mentor_active', 0)}/{match.mentor.capacity}"

    @admin.display(description="Age", ordering="created_at")
    def age(self, match: Match) -> str:
        return timesince(match.created_at, timezone.now(), depth=1)

    @admin.display(description="Score breakdown")
    def breakdown(self, match: Match) -> SafeString:
        return breakdown_table(match.score, match.score_breakdown)
