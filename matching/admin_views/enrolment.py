"""Enrol a cohort from a spreadsheet: paste rows or upload a CSV on a program's "Enrol from a list" page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse

from matching.admin_views import access
from matching.coordination.roster import Role, RosterProblem, parse_roster
from matching.models import Program
from matching.selectors.enrolment import invitations_waiting
from matching.selectors_coordination import program_people_seen
from matching.services.enrolment import Enrolment, RosterInvalid, program_enrol
from matching.services.invitations import invitation_resend, invitation_withdraw
from mentorship.errors import ApplicationError
from profiles.access import signed_in_user

MAX_FILE_BYTES = 1 << 20


class RosterForm(forms.Form):
    pasted = forms.CharField(
        label="Paste rows from a spreadsheet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80, "placeholder": "amara.okafor@uni.edu, trainee"}),
        help_text="One person per row: an e-mail address and “mentor” or “trainee”, in any columns. A header row "
        "and other columns (names, departments) are ignored.",
    )
    upload = forms.FileField(
        label="…or upload a CSV file",
        required=False,
        help_text="Comma, semicolon or tab separated, at most 1 MB (in Excel: Save as → CSV UTF-8).",
    )
    default_role = forms.ChoiceField(
        label="Rows that do not say mentor or trainee are",
        choices=[("", "a problem to fix"), (Role.TRAINEE, "trainees"), (Role.MENTOR, "mentors")],
        required=False,
    )
    invite_missing = forms.BooleanField(
        label="Invite people who cannot take part yet",
        required=False,
        help_text="Someone with no account, no confirmed e-mail address or not the profile of their role yet is "
        "enrolled as soon as they have it (checked every few minutes and before each round) instead of stopping "
        "the whole list. Whoever has no account is e-mailed an invitation with a sign-up link.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pasted, upload = (data.get("pasted") or "").strip(), data.get("upload")
        if bool(pasted) == bool(upload):
            raise forms.ValidationError("Paste the rows or upload a file (one of the two).")
        if upload:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError("The file is larger than 1 MB: is it the right one?")
            try:
                pasted = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    "The file is not UTF-8 text: in Excel, use Save as → “CSV UTF-8 (comma delimited)”."
                ) from None
        data["text"] = pasted
        return data


def _done_message(program: Program, enrolment: Enrolment) -> str:
    trainees, mentors = enrolment.trainees_added, enrolment.mentors_added
    added = f"{trainees} trainee{pluralize(trainees)} and {mentors} mentor{pluralize(mentors)}"
    message = f"Enrolled {added} in {program}."
    if enrolment.already_enrolled:
        message += f" {enrolment.already_enrolled} listed were enrolled already."
    if enrolment.invited:
        message += (
            f" {enrolment.invited} invited: enrolled once they sign up and make their profile (listed below; "
            "those without an account are e-mailed a sign-up link)."
        )
    return message


def enrol_page(model_admin: admin.ModelAdmin[Program], request: HttpRequest, program_id: int) -> HttpResponse:
    user = signed_in_user(request)
    program = get_object_or_404(access.programs_for(user), pk=program_id)
    form = RosterForm(request.POST or None, request.FILES or None)
    problems: list[RosterProblem] = []
    if request.method == "POST" and form.is_valid():
        default_role = form.cleaned_data["default_role"]
        roster = parse_roster(form.cleaned_data["text"], Role(default_role) if default_role else None)
        try:
            enrolment = program_enrol(
                program=program, roster=roster, by=user, invite_missing=form.cleaned_data["invite_missing"]
            )
        except RosterInvalid as error:
            form.add_error(None, error.message)
            # An empty list has no row to point at: its message says it all (the API names it as a problem).
            problems = error.problems if roster.entries or roster.problems else []
        else:
            messages.success(request, _done_message(program, enrolment))
            if enrolment.open_to_all:
                messages.warning(
                    request,
                    f"{program} is open to everyone, so the list limits who takes part only once you untick "
                    "“Every mentor and trainee may take part”.",
                )
            after = "admin:matching_program_enrol" if enrolment.invited else "admin:matching_program_change"
            return HttpResponseRedirect(reverse(after, args=[program.pk]))
    # The same people as the roster CSV linked beside the counts (not everyone a round of an open program considers).
    trainees, mentors = program_people_seen(program)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Enrol people in {program}",
        "opts": Program._meta,
        "original": program,
        "form": form,
        "problems": problems,
        "enrolled": (trainees.count(), mentors.count()),
        "invitations": invitations_waiting(program),
        "signup_url": request.build_absolute_uri(reverse("profiles-signup")),
    }
    refused = bool(problems) or bool(form.errors)
    return TemplateResponse(request, "admin/matching/program/enrol.html", context, status=400 if refused else 200)


def withdraw_invitation(
    model_admin: admin.ModelAdmin[Program], request: HttpRequest, program_id: int, invitation_id: int
) -> HttpResponse:
    return _on_invitation(request, program_id, invitation_id, invitation_withdraw, "The invitation of {} is withdrawn.")


def resend_invitation(
    model_admin: admin.ModelAdmin[Program], request: HttpRequest, program_id: int, invitation_id: int
) -> HttpResponse:
    return _on_invitation(request, program_id, invitation_id, invitation_resend, "The invitation went to {} again.")


def _on_invitation(
    request: HttpRequest,
    program_id: int,
    invitation_id: int,
    service: Callable[..., None],
    done: str,
) -> HttpResponse:
    """A button on one invitation (POST): the program's coordinators only (404 for anyone else), one service."""
    user = signed_in_user(request)
    program = get_object_or_404(access.programs_for(user), pk=program_id)
    invitation = get_object_or_404(program.invitations, pk=invitation_id)
    if request.method == "POST":
        try:
            service(invitation=invitation, by=user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done.format(invitation.email))
    return HttpResponseRedirect(reverse("admin:matching_program_enrol", args=[program.pk]))
