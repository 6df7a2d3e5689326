"""Programs in the admin: dates, coordinators, scoring weights and rules, and how many mentors and trainees are
enrolled (with links to them and to enrolment); their own pages (health, enrolment, rounds) come from `ProgramPages`.

The people themselves are not on the page: a program of 24,000 rendered every one as a selected option (5.6 s,
1.4 MB) and posted their ids back, past `DATA_UPLOAD_MAX_NUMBER_FIELDS`, so it could no longer be saved. They are
listed, filtered by program, on the mentor and trainee lists, and removed there (`matching.admin.people`); they
are added by e-mail address (*Enrol from a list*). The page is the same size however many people take part.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from matching.admin.people import people_list_url
from matching.admin_views import access
from matching.admin_views.program_pages import ProgramPages
from matching.models import Program
from matching.models.programs import weights_in_full
from matching.scoring.weights import MAX_WEIGHT, MIN_WEIGHT
from matching.services.programs import program_coordinators_refusal, program_may_be_open, program_save
from mentorship.admin_search import BoundedSearch
from mentorship.errors import ApplicationError
from profiles.access import signed_in_user
from profiles.models import MentorProfile, TraineeProfile, User

#: The People fieldset's rows for the enrolled, with or without links to the lists (`get_fieldsets`).
ENROLLED = ("enrolled_mentors", "enrolled_trainees", "add_people")
ENROLLED_COUNTS = ("enrolled_mentors_count", "enrolled_trainees_count", "add_people")


class CoordinatorAccess:
    """Staff who coordinate programs may view these models; superusers keep their usual powers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_coordinator(request.user)


class ProgramForm(forms.ModelForm):
    """Checks on the page what `program_save` would refuse, so the coordinator reads it by the field."""

    by: User  # who saves, set by `ProgramAdmin.get_form`

    class Meta:
        model = Program
        fields = ("weights", "coordinators")  # the admin adds the rest of its fieldsets

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        opening = self.fields.get("open_to_all")
        if opening is not None and not program_may_be_open(program=self.instance, by=self.by):
            # A coordinator's new program is closed (the model's default is open), and a closed one stays so; one
            # already open she may close.
            opening.disabled = True
            opening.help_text = "Only a site administrator can open a program to everyone on the site."
            self.initial["open_to_all"] = False

    def clean_weights(self) -> Any:
        # Before the model's validation, so it checks the weights as they will be stored and scored.
        return weights_in_full(self.cleaned_data.get("weights"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "coordinators" in cleaned:
            refusal = program_coordinators_refusal(
                program=self.instance, by=self.by, coordinators=cleaned["coordinators"]
            )
            if refusal:
                self.add_error("coordinators", refusal)
        return cleaned


@admin.register(Program)
class ProgramAdmin(BoundedSearch, CoordinatorAccess, ProgramPages, admin.ModelAdmin):
    form = ProgramForm
    list_display = ("name", "is_active", "starts_on", "ends_on", "open_to_all", "links")
    list_filter = ("is_active", "open_to_all")
    search_fields = ("name",)
    filter_horizontal = ("coordinators",)
    change_form_template = "admin/matching/program/change_form.html"
    fieldsets = (
        (None, {"fields": ("name", "description", ("starts_on", "ends_on"), "is_active")}),
        ("People", {"fields": ("coordinators", "open_to_all", *ENROLLED)}),
        (
            "Scoring",
            {
                "fields": ("weights", "institution_rule", "stage_gap_best", "time_zone_cap_hours"),
                "description": f"Weights are a JSON object of component → 0 (left out) or a number from {MIN_WEIGHT} "
                f'to {MAX_WEIGHT}, e.g. {{"specialty": 3, "focus_areas": 3, "career_stage": 2}}. A component '
                "not named takes its default weight (saving shows them all); give it 0 to leave it out. At least "
                "one component other than the shortlist must be above 0: the shortlist is a bonus on top of the "
                "fit.",
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
    readonly_fields = (*ENROLLED, *ENROLLED_COUNTS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return access.programs_for(signed_in_user(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_coordinator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def get_fieldsets(self, request: HttpRequest, obj: Program | None = None) -> Any:
        # The counts link to the mentor and trainee lists only for who may open them (a coordinator outside the
        # Coordinators group has no profile permissions): anyone else reads the numbers.
        fieldsets = super().get_fieldsets(request, obj)
        if self._may_open_lists(request):
            return fieldsets
        swap = dict(zip(ENROLLED, ENROLLED_COUNTS, strict=True))
        return [
            (name, {**opts, "fields": [swap.get(f, f) if isinstance(f, str) else f for f in opts["fields"]]})
            for name, opts in fieldsets
        ]

    def _may_open_lists(self, request: HttpRequest) -> bool:
        lists = (self.admin_site._registry.get(model) for model in (MentorProfile, TraineeProfile))
        return all(model_admin is not None and model_admin.has_view_permission(request) for model_admin in lists)

    @admin.display(description="Mentors enrolled")
    def enrolled_mentors(self, program: Program) -> str:
        return self._enrolled(program, "mentor", MentorProfile, link=True)

    @admin.display(description="Trainees enrolled")
    def enrolled_trainees(self, program: Program) -> str:
        return self._enrolled(program, "trainee", TraineeProfile, link=True)

    @admin.display(description="Mentors enrolled")
    def enrolled_mentors_count(self, program: Program) -> str:
        return self._enrolled(program, "mentor", MentorProfile, link=False)

    @admin.display(description="Trainees enrolled")
    def enrolled_trainees_count(self, program: Program) -> str:
        return self._enrolled(program, "trainee", TraineeProfile, link=False)

    def _enrolled(self, program: Program, noun: str, model: type[Any], *, link: bool) -> str:
        if program.pk is None:
            return "None yet: save the program, then add people by e-mail address."
        count = getattr(program, f"{noun}s").count()
        said = f"{count:,} {noun}{'' if count == 1 else 's'}"
        if not link:
            return said
        return format_html(
            '<a href="{}">{}</a> (to remove someone, tick them there and choose “Remove from program…”)',
            people_list_url(program, model),
            said,
        )

    @admin.display(description="Add people")
    def add_people(self, program: Program) -> SafeString | str:
        if program.pk is None:
            return "Once the program is saved."
        return format_html(
            '<a href="{}">Add people by e-mail address</a> (Enrol from a list: pasted rows or a CSV; people not '
            "signed up yet can be invited)",
            reverse("admin:matching_program_enrol", args=[program.pk]),
        )

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> ModelMultipleChoiceField:
        if db_field.name == "coordinators":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        assert field is not None
        return field

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            # The form checks the program's settings first; this is the rare refusal that comes only at saving (the
            # coordinator was taken off the program meanwhile). The admin's transaction has rolled back: say why,
            # nothing saved.
            self.message_user(request, f"Nothing was saved: {error.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"by": signed_in_user(request)})

    def response_change(self, request: HttpRequest, obj: Program) -> HttpResponse:
        user = signed_in_user(request)
        if user.is_superuser or obj.coordinators.filter(pk=user.pk).exists():
            return super().response_change(request, obj)
        # She handed the program over: its page is no longer hers to open, so the list, and what she did.
        others = ", ".join(str(coordinator) for coordinator in obj.coordinators.all())
        self.message_user(request, f"You handed {obj} over to {others}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:matching_program_changelist"))

    def save_model(self, request: HttpRequest, obj: Program, form: Any, change: bool) -> None:
        program_save(
            program=obj,
            by=signed_in_user(request),
            coordinators=form.cleaned_data["coordinators"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # `program_save` wrote the coordinators with the program: form.save_m2m() is not called.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
