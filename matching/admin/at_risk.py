"""Clearing the at-risk flag of matches, from the match list and from a match's own page, once a coordinator has
looked into them. The flag's reason and the coordinator's note go into each match's history."""

from __future__ import annotations

from dataclasses import replace

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from matching.admin_views.batches import NotedAction, with_note
from matching.models import Match
from matching.services.decisions import REASON_MAX_LENGTH, match_clear_at_risk
from profiles.access import signed_in_user


class ClearNoteForm(forms.Form):
    # Named `reason` like the decisions' form, so the same confirmation page asks for it.
    reason = forms.CharField(
        label="Note",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="What was done, or why the match is fine. Recorded in each match's history; the mentor and the "
        "trainee do not see it.",
    )


# Only the flagged ones are cleared, the oldest flag first: the page said the others are left as they are. One
# cleared after the page was read is left too; one cleared between that and the service is refused by name.
CLEAR = NotedAction(
    action="clear_at_risk_selected",
    verb="Clear the at-risk flag of",
    done="Cleared the at-risk flag of",
    form_class=ClearNoteForm,
    acts_on=Q(at_risk_since__isnull=False),
    some="the {n} flagged of the matches below",
    left_because=("are not flagged at risk", "is not flagged at risk (any more)", "is flagged at risk"),
    nothing_done="No flag was cleared: none of the selected matches is flagged at risk any more (another coordinator, "
    "or the hourly follow-up once its cause had gone, may have just cleared it).",
    order_by=("at_risk_since", "pk"),
    nothing_to="clear",
)


# A coordinator who is the mentor or trainee of some of the selection reads nothing of their flags
# (`Match.at_risk_visible_to`): the page counts those with the ones left as they are, and the service refuses each by
# name (conflict of interest), whether flagged or not.
CLEAR_NOT_OWN = replace(
    CLEAR,
    left_because=(
        "are not flagged at risk, or are your own (another coordinator looks into those)",
        "is not flagged at risk (any more), or is your own (another coordinator looks into it)",
        "is flagged at risk and not your own",
    ),
)


@admin.action(description="Clear the at-risk flag of selected matches (with a note)", permissions=["decide"])
def clear_at_risk_selected(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]
) -> TemplateResponse | None:
    by = signed_in_user(request)
    action = CLEAR
    own = Q(mentor__user=by) | Q(trainee__user=by)
    if queryset.filter(own).exists():
        action = replace(CLEAR_NOT_OWN, acts_on=CLEAR.acts_on & ~own, also_refused=own)
    return with_note(
        modeladmin, request, queryset, action, lambda match, note: match_clear_at_risk(match=match, by=by, note=note)
    )
