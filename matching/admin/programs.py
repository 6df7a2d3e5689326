"""Programs in the admin: dates, coordinators, who takes part, scoring weights and rules; their own pages (health,
enrolment, rounds) come from `ProgramPages`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from matching.admin_views import access
from matching.admin_views.program_pages import ProgramPages
from matching.models import Program
from matching.services.programs import program_people_refusal, program_save
from mentorship.admin_search import BoundedSearch
from mentorship.errors import ApplicationError
from profiles.access import signed_in_user
from profiles.admin_scope import mentors_for, trainees_for
from profiles.models import MentorProfile, TraineeProfile, User


class ProgramForm(forms.ModelForm):
    """Checks `program_save`'s rule on who may be added while the form is still open, so a refusal is shown next to
    the mentors or trainees box with what the coordinator chose (the service checks again when it saves)."""

    # No Meta: the admin builds the form's fields from ProgramAdmin.fieldsets on this class.

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        refusal = program_people_refusal(
            program=self.instance, mentors=cleaned.get("mentors", ()), trainees=cleaned.get("trainees", ())
        )
        if refusal is not None:
            for field, problems in refusal.fields.items():
                self.add_error(field, problems)
        return cleaned


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
        return access.programs_for(signed_in_user(request))

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
            # By hand, only people who already take part in one of this coordinator's programs (the people pages'
            # rule): an id typed into the form would otherwise name anyone, back on this page. Anyone else is
            # enrolled by e-mail address (Enrol from a list).
            seen = (mentors_for if db_field.name == "mentors" else trainees_for)(signed_in_user(request))
            field.queryset = field.queryset.filter(seen).select_related("user")
        return field

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            # The form checks the service's rules first; this is the rare refusal that comes only at saving (an
            # account was deactivated meanwhile). The admin's transaction has rolled back: say why, nothing saved.
            self.message_user(request, f"Nothing was saved: {error.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Program, form: Any, change: bool) -> None:
        program_save(
            program=obj,
            by=signed_in_user(request),
            coordinators=form.cleaned_data["coordinators"],
            mentors=form.cleaned_data["mentors"],
            trainees=form.cleaned_data["trainees"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # `program_save` wrote the people with the program: form.save_m2m() is not called.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
