"""Batch decisions from the match list, by the same services the API uses. One refusal (a full mentor) never undoes
the other decisions; every refusal is reported by name. Approving is one batch (`matches_approve`: a cohort of 300 in
well under a second); declining and ending, rarer and in smaller numbers, ask for a reason and decide each match in
its own transaction (`batches.with_note`)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from matching.admin_views.batches import NotedAction, refusal, report, with_note
from matching.models import Match
from matching.services.decisions import REASON_MAX_LENGTH, match_decline, match_end, matches_approve
from matching.services.refusals import DECLINE_INSTEAD, DECLINE_REASON_READ_BY, END_INSTEAD, END_REASON_READ_BY
from profiles.access import signed_in_user

# "Select all N" acts on the list's filter as it is now: another coordinator (or a new round) may have just decided
# every match it showed.
NOTHING_DECIDED = (
    "Nothing was {done}: none of the selected matches is in the list any more (another coordinator may have just "
    "decided them). The list shows the matches as they are now."
)


class ReasonForm(forms.Form):
    """Declining: only the trainee is told (the mentor's pages leave a declined request out)."""

    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=DECLINE_REASON_READ_BY,
    )


class EndReasonForm(forms.Form):
    """Ending: both people are e-mailed the reason and keep it on their pages."""

    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=END_REASON_READ_BY,
    )


def _decision(
    action: str,
    verb: str,
    done: str,
    *,
    form_class: type[forms.Form],
    acts_on: Q,
    left_because: tuple[str, str, str],
    instead: tuple[Q, str],
) -> NotedAction:
    """A decision with a reason: the best-scored first, on the matches the page counted alone, so the result agrees
    with the page; one of those decided meanwhile is refused by name, saying by whom."""
    return NotedAction(
        action=action,
        verb=verb,
        done=done,
        form_class=form_class,
        some="the {n} of the matches below that can be",
        nothing_done=NOTHING_DECIDED.format(done=done.lower()),
        order_by=("-score", "pk"),
        name_the_changed=True,
        acts_on=acts_on,
        left_because=left_because,
        instead=instead,
    )


DECLINE = _decision(
    "decline_selected",
    "Decline",
    "Declined",
    form_class=ReasonForm,
    acts_on=Q(status__in=Match.UNDECIDED),
    left_because=("are already decided", "is already decided", "is waiting for a decision"),
    instead=(Q(status=Match.Status.APPROVED), END_INSTEAD),
)
END = _decision(
    "end_selected",
    "End",
    "Ended",
    form_class=EndReasonForm,
    acts_on=Q(status=Match.Status.APPROVED),
    left_because=("are not approved", "is not approved", "is approved"),
    instead=(Q(status__in=Match.UNDECIDED), DECLINE_INSTEAD),
)


@admin.action(description="Approve selected matches", permissions=["decide"])
def approve_selected(modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]) -> None:
    outcome = matches_approve(match_ids=queryset.values_list("pk", flat=True), by=signed_in_user(request))
    refusals = [refusal(match, error) for match, error in outcome.refused]
    report(
        modeladmin,
        request,
        len(outcome.approved),
        refusals,
        done="Approved",
        nothing_done=NOTHING_DECIDED.format(done="approved"),
    )


@admin.action(description="Decline selected matches (with reason)", permissions=["decide"])
def decline_selected(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]
) -> TemplateResponse | None:
    by = signed_in_user(request)
    return with_note(
        modeladmin, request, queryset, DECLINE, lambda match, reason: match_decline(match=match, by=by, reason=reason)
    )


@admin.action(description="End selected matches (with reason)", permissions=["decide"])
def end_selected(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]
) -> TemplateResponse | None:
    by = signed_in_user(request)
    return with_note(
        modeladmin, request, queryset, END, lambda match, reason: match_end(match=match, by=by, reason=reason)
    )


def decisions_for(match: Match) -> list[tuple[str, str]]:
    """The actions a match's own page offers (name, button label), as its status allows."""
    if match.is_undecided():
        return [("approve_selected", "Approve"), ("decline_selected", "Decline…")]
    if match.status == Match.Status.APPROVED:
        return [("end_selected", "End…")]
    return []
