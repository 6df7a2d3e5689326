"""Programs in the admin: dates, coordinators, who takes part, scoring weights and rules; their own pages (health,
enrolment, rounds) come from `ProgramPages`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest

from matching.admin_views import access
from matching.admin_views.program_pages import ProgramPages
from matching.models import Program
from matching.selectors.enrolment import enrolment_problem
from mentorship.admin_search import BoundedSearch
from profiles.models import MentorProfile, TraineeProfile, User


class ProgramForm(forms.ModelForm):
    """The program page adds people to a closed program by hand; it holds them to the rules *Enrol from a list*
    applies (`program_enrol`): an address not confirmed yet may be anyone's (anyone can sign up with any address),
    and a deactivated account takes part in nothing. People enrolled already stay, whatever their state."""

    # No Meta: the admin builds the form's fields from ProgramAdmin.fieldsets on this class.

    def clean_mentors(self) -> Any:
        return self._only_ready("mentors", role="mentor")

    def clean_trainees(self) -> Any:
        return self._only_ready("trainees", role="trainee")

    def _only_ready(self, name: str, *, role: str) -> Any:
        chosen = self.cleaned_data[name]
        before = set(getattr(self.instance, name).values_list("pk", flat=True)) if self.instance.pk else set()
        problems = []
        for profile in chosen:
            problem = None if profile.pk in before else enrolment_problem(profile.user, role)
            if problem is not None:
                problems.append(f"{profile.user.email}: {problem[0].rstrip('.')}")
        if problems:
            raise forms.ValidationError(
                "Not enrolled — " + "; ".join(problems) + ". Use *Enrol from a list* with “Invite people who "
                "cannot take part yet”: they are enrolled once they confirm their address."
            )
        return chosen


class CoordinatorAccess:
    """Staff who coordinate programs may view these models; superusers keep their usual powers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_coordinator(request.user)


@admin.register(Program)
class ProgramAdmin(BoundedSearch, CoordinatorAccess, ProgramPages, admin.ModelAdmin):
    form = ProgramForm
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
