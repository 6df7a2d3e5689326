"""What matching adds to the admin's mentor and trainee lists (profiles' pages, which cannot import matching; they
are registered with `profiles.admin_scope.people_list_register`): a filter by program, which the program page's
counts link to, and *Remove from program…*, which takes the selected people out of one program
(`program_unenrol`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse

from matching.admin.match_filters import filter_value_id
from matching.admin_views import access
from matching.models import Program
from matching.services.unenrolment import Unenrolment, program_unenrol
from mentorship.errors import ApplicationError
from mentorship.filters import as_id
from profiles.access import signed_in_user
from profiles.models import MentorProfile

#: The query parameter of the filter, in the program page's links.
PROGRAM_PARAMETER = "program"
#: How many of the selected people the confirmation page names.
NAMED = 50


def people_list_url(program: Program, model: type[Any]) -> str:
    """The admin's list of `model` profiles (mentors or trainees) enrolled in `program`."""
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + f"?{PROGRAM_PARAMETER}={program.pk}"


class EnrolledInProgramFilter(admin.SimpleListFilter):
    """The people enrolled in one program; only the programs this coordinator runs are offered, and another
    program's id lists nobody (its people stay unseen)."""

    title = "enrolled in program"
    parameter_name = PROGRAM_PARAMETER

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(p.pk), p.name) for p in access.programs_for(signed_in_user(request)).only("pk", "name")]

    def has_output(self) -> bool:
        # A link from a program page must cut the list even when there is nothing to offer.
        return super().has_output() or bool(self.value())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        program_id = filter_value_id(self)
        if program_id is None:
            return queryset
        programs = access.programs_for(signed_in_user(request)).filter(pk=program_id)
        return queryset.filter(programs__in=programs)


class RemoveFromProgramForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        label="Remove them from",
        help_text="Only their enrolment in this program ends; their matches in it are left as they are (decline a "
        "waiting request or end a mentorship on the match list if it should not go on).",
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]


@admin.action(description="Remove from program…", permissions=["change"])
def remove_from_program(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> TemplateResponse | None:
    """Asks which of the coordinator's programs (the one the list is filtered by, to start with), then removes the
    selected people from it and says what was done."""
    user = signed_in_user(request)
    programs = access.programs_for(user)
    mentors = queryset.model is MentorProfile
    form = RemoveFromProgramForm(
        request.POST if "apply" in request.POST else None,
        programs=programs,
        initial={"program": as_id(request.GET.get(PROGRAM_PARAMETER))},
    )
    if form.is_valid():
        program = form.cleaned_data["program"]
        try:
            done = program_unenrol(program=program, by=user, **{"mentors" if mentors else "trainees": queryset})
        except ApplicationError as error:
            modeladmin.message_user(request, f"Nobody was removed: {error.message}", messages.ERROR)
        else:
            _report(modeladmin, request, program, done)
        return None
    count = queryset.count()
    noun = f"{'mentor' if mentors else 'trainee'}{pluralize(count)}"
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Remove {count:,} {noun} from a program",
        "opts": modeladmin.model._meta,
        "form": form,
        "people": queryset.select_related("user")[:NAMED],
        "more": max(count - NAMED, 0),
        "has_programs": programs.exists(),
        "list_url": request.get_full_path(),  # the list as it was filtered, for Cancel
        # What the list posted: with "Select all N", the page's boxes and `select_across`, never N ids (the
        # admin would refuse that many fields).
        "selected_ids": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/matching/program/remove_people.html", context)


def _report(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, program: Program, done: Unenrolment) -> None:
    removed = len(done.mentors) + len(done.trainees)
    noun = "mentor" if done.mentors else "trainee"
    if removed:
        modeladmin.message_user(request, f"Removed {removed:,} {noun}{pluralize(removed)} from {program}.")
    if done.not_enrolled:
        modeladmin.message_user(
            request,
            f"{done.not_enrolled:,} of the selected {'was' if done.not_enrolled == 1 else 'were'} not enrolled in "
            f"{program}: nothing to remove.",
            messages.WARNING if not removed else messages.INFO,
        )
    if done.matches_left:
        modeladmin.message_user(
            request,
            f"{done.matches_left:,} of their matches in {program} still wait for a decision or are under way: they "
            "are left as they are (decline or end them on the match list if they should not go on).",
            messages.WARNING,
        )
    if removed and program.open_to_all:
        modeladmin.message_user(
            request,
            f"{program} is open to everyone, so enrolment limits who takes part only once “Every mentor and trainee "
            "may take part” is unticked on its page.",
            messages.WARNING,
        )
