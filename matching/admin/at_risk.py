"""Clearing the at-risk flag of matches, from the match list and from a match's own page, once a coordinator has
looked into them. The flag's reason and the coordinator's note go into each match's history."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse

from matching.admin_views.access import request_user
from matching.models import Match
from matching.services.decisions import match_clear_at_risk
from mentorship.errors import ApplicationError

ACTION = "clear_at_risk_selected"
VERB = "Clear the at-risk flag of"


class ClearNoteForm(forms.Form):
    # Named `reason` like the decisions' form, so the same confirmation page asks for it.
    reason = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="What was done, or why the match is fine. Recorded in each match's history; the mentor and the "
        "trainee do not see it.",
    )


def _left_note(count: int, flagged: int) -> str:
    """Why some of the selection will be left as it is (those not flagged), as the decisions' page says it."""
    left = count - flagged
    if not count:
        return "None of the selected matches is in the list any more: the list shows the matches as they are now."
    if not left:
        return ""
    if flagged:
        return f"{left} of the {count} selected matches are not flagged at risk and will be left as they are."
    if count == 1:
        return "The selected match is not flagged at risk (any more), so there is nothing to clear."
    return f"None of the {count} selected matches is flagged at risk, so there is nothing to clear."


def _which(count: int, flagged: int) -> str:
    if count == 1:
        return "this match"
    if flagged == count:
        return f"these {count} matches"
    return f"the {flagged} flagged of the matches below"


def _clear(modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match], note: str) -> None:
    """Each match in its own transaction: one refusal (the coordinator's own match, one cleared meanwhile) never
    undoes the others, and each is named."""
    by = request_user(request)
    cleared = 0
    refusals: list[str] = []
    # Only the flagged ones: the page said the others are left as they are. One cleared after this read is refused
    # by the service and named.
    flagged = queryset.filter(at_risk_since__isnull=False).select_related("program", "trainee__user", "mentor__user")
    for match in flagged.order_by("at_risk_since", "pk"):
        try:
            match_clear_at_risk(match=match, by=by, note=note)
        except ApplicationError as error:
            refusals.append(f"{match.trainee} ↔ {match.mentor}: {error.message}")
        else:
            cleared += 1
    if cleared:
        modeladmin.message_user(
            request, f"Cleared the at-risk flag of {cleared} match{pluralize(cleared, 'es')}.", messages.SUCCESS
        )
    elif not refusals:
        modeladmin.message_user(
            request,
            "No flag was cleared: none of the selected matches is flagged at risk any more (another coordinator, or "
            "the hourly follow-up once its cause had gone, may have just cleared it).",
            messages.WARNING,
        )
    for refusal in refusals:
        modeladmin.message_user(request, refusal, messages.WARNING)


@admin.action(description="Clear the at-risk flag of selected matches (with a note)", permissions=["decide"])
def clear_at_risk_selected(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match]
) -> TemplateResponse | None:
    """An intermediate page asks for the note once for the whole selection, and counts only the flagged matches;
    the service still refuses whatever changed meanwhile."""
    form = ClearNoteForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        _clear(modeladmin, request, queryset, form.cleaned_data["reason"])
        return None
    count = queryset.count()
    flagged = queryset.filter(at_risk_since__isnull=False).count()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{VERB} {count} selected match{pluralize(count, 'es')}",
        "opts": modeladmin.model._meta,
        "form": form,
        "matches": queryset.select_related("trainee__user", "mentor__user")[:50],
        "count": count,
        "to_decide": flagged,
        "intro": f"{VERB} {_which(count, flagged)}. The note is recorded in each match's history.",
        "left_note": _left_note(count, flagged),
        "list_url": request.get_full_path(),
        "selected_ids": list(queryset.values_list("pk", flat=True)),
        "action": ACTION,
        "verb": VERB,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/matching/match/decision_reason.html", context)
