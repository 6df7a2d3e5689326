"""Batch decisions from the match list, by the same services the API uses. One refusal (a full mentor) never undoes
the other decisions; every refusal is reported by name. Approving is one batch (`matches_approve`: a cohort of 300 in
well under a second); declining and ending, rarer and in smaller numbers, decide each match in its own
transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse

from matching.admin_views.access import request_user
from matching.models import Match
from matching.services.decisions import match_decline, match_end, matches_approve
from matching.services.refusals import DECLINE_INSTEAD, END_INSTEAD
from mentorship.errors import ApplicationError

#: Refusals listed one by one; beyond this many, the rest are summarised so the page stays readable.
MAX_LISTED_REFUSALS = 30


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded in each match's history; the trainee sees it in the e-mail and under My requests.",
    )


def _run_batch(
    modeladmin: admin.ModelAdmin[Match],
    request: HttpRequest,
    queryset: QuerySet[Match],
    decide: Callable[[Match], object],
    done: str,
) -> None:
    succeeded = 0
    refusals: list[str] = []
    for match in queryset.select_related("program", "trainee__user", "mentor__user").order_by("-score", "pk"):
        try:
            decide(match)
        except ApplicationError as error:
            refusals.append(_refusal(match, error))
        else:
            succeeded += 1
    _report(modeladmin, request, succeeded, refusals, done)


def _refusal(match: Match, error: ApplicationError) -> str:
    return f"{match.trainee} ↔ {match.mentor}: {error.message}"


def _report(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, succeeded: int, refusals: list[str], done: str
) -> None:
    if succeeded:
        modeladmin.message_user(request, f"{done} {succeeded} match{'es' if succeeded != 1 else ''}.", messages.SUCCESS)
    elif not refusals:
        # "Select all N" acts on the list's filter as it is now: another coordinator (or a new round) may have just
        # decided every match it showed. Say so, rather than come back to an empty list without a word.
        modeladmin.message_user(
            request,
            f"Nothing was {done.lower()}: none of the selected matches is in the list any more (another coordinator "
            "may have just decided them). The list shows the matches as they are now.",
            messages.WARNING,
        )
    for refusal in refusals[:MAX_LISTED_REFUSALS]:
        modeladmin.message_user(request, refusal, messages.WARNING)
    if len(refusals) > MAX_LISTED_REFUSALS:
        more = len(refusals) - MAX_LISTED_REFUSALS
        modeladmin.message_user(
            request, f"… and {more} more were refused for the same kinds of reason.", messages.WARNING
        )


@admin.action(description="Approve selected matches", permissions=["decide"])
def approve_selected(modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]) -> None:
    outcome = matches_approve(match_ids=queryset.values_list("pk", flat=True), by=request_user(request))
    refusals = [_refusal(match, error) for match, error in outcome.refused]
    _report(modeladmin, request, len(outcome.approved), refusals, "Approved")


def _with_reason(
    modeladmin: admin.ModelAdmin[Match],
    request: HttpRequest,
    queryset: QuerySet[Match],
    *,
    action: str,
    verb: str,
    decide: Callable[[Match, str], object],
    done: str,
    decidable: Iterable[str],
    left_because: tuple[str, str, str],
    instead: tuple[Iterable[str], str],
) -> TemplateResponse | None:
    """An intermediate page asks for the reason once for the whole selection, as delete_selected asks to confirm.

    It counts only the matches in a state to be decided (`decidable`) and says why the others of the selection will
    be left as they are (`left_because`: for some, for the one selected, for none of several), so nobody writes a
    reason for matches it will not touch, and what can be done instead with those in some states (`instead`: the
    states, and the sentence the API's refusal ends with); the service still refuses whatever changed meanwhile."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        _run_batch(modeladmin, request, queryset, lambda match: decide(match, reason), done)
        return None
    count = queryset.count()
    to_decide = queryset.filter(status__in=list(decidable)).count()
    left = count - to_decide
    if not count:
        left_note = "None of the selected matches is in the list any more: the list shows the matches as they are now."
    elif not left:
        left_note = ""
    elif to_decide:
        left_note = f"{left} of the {count} selected matches {left_because[0]} and will be left as they are."
    elif count == 1:
        left_note = f"The selected match {left_because[1]}, so there is nothing to {verb.lower()}."
    else:
        left_note = f"None of the {count} selected matches {left_because[2]}, so there is nothing to {verb.lower()}."
    instead_states, instead_note = instead
    if left and queryset.filter(status__in=list(instead_states)).exists():
        left_note = f"{left_note} {instead_note}"
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{verb} {count} selected match{pluralize(count, 'es')}",
        "opts": modeladmin.model._meta,
        "form": form,
        "matches": queryset.select_related("trainee__user", "mentor__user")[:50],
        "count": count,
        "to_decide": to_decide,
        "left_note": left_note,
        "list_url": request.get_full_path(),  # the list as it was filtered, for Cancel
        "selected_ids": list(queryset.values_list("pk", flat=True)),
        "action": action,
        "verb": verb,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/matching/match/decision_reason.html", context)


@admin.action(description="Decline selected matches (with reason)", permissions=["decide"])
def decline_selected(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]
) -> TemplateResponse | None:
    by = request_user(request)
    return _with_reason(
        modeladmin,
        request,
        queryset,
        action="decline_selected",
        verb="Decline",
        decide=lambda match, reason: match_decline(match=match, by=by, reason=reason),
        done="Declined",
        decidable=Match.UNDECIDED,
        left_because=("are already decided", "is already decided", "is waiting for a decision"),
        instead=((Match.Status.APPROVED,), END_INSTEAD),
    )


@admin.action(description="End selected matches (with reason)", permissions=["decide"])
def end_selected(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]
) -> TemplateResponse | None:
    by = request_user(request)
    return _with_reason(
        modeladmin,
        request,
        queryset,
        action="end_selected",
        verb="End",
        decide=lambda match, reason: match_end(match=match, by=by, reason=reason),
        done="Ended",
        decidable=(Match.Status.APPROVED,),
        left_because=("are not approved", "is not approved", "is approved"),
        instead=(Match.UNDECIDED, DECLINE_INSTEAD),
    )


def decisions_for(match: Match) -> list[tuple[str, str]]:
    """The actions a match's own page offers (name, button label), as its status allows."""
    if match.is_undecided():
        return [("approve_selected", "Approve"), ("decline_selected", "Decline…")]
    if match.status == Match.Status.APPROVED:
        return [("end_selected", "End…")]
    return []
