"""Actions on a selection of matches that ask for one note for the whole selection (decline and end with a reason,
clear an at-risk flag with a note), and the report every batch action gives afterwards.

The page counts only the matches the action can act on and says why the others will be left as they are, so nobody
writes a reason for matches it will not touch; then each match is decided by the service in its own transaction, so
one refusal (the coordinator's own match, one decided meanwhile) never undoes the others, and each is named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse

from matching.models import Match
from mentorship.errors import ApplicationError

#: Refusals listed one by one; beyond this many, the rest are summarised so the page stays readable.
MAX_LISTED_REFUSALS = 30
#: The selection as it is now may be empty: "select all N" acts on the list's filter, and so does a page kept open.
#: The field by which the page posts back the matches it counted (said it would act on).
COUNTED = "counted"
GONE = "None of the selected matches is in the list any more: the list shows the matches as they are now."


@dataclass(frozen=True)
class NotedAction:
    """What one action with a note says and does. The form has one field, `reason`, whatever its label."""

    action: str  # the admin action's name, posted back by the page
    verb: str  # "Decline"
    done: str  # "Declined", for "Declined 3 matches."
    form_class: type[forms.Form]
    acts_on: Q  # which of the selection the action can act on
    some: str  # the part of a mixed selection it acts on, "{n}" for the count: "the {n} flagged of the matches below"
    left_because: tuple[str, str, str]  # why the others are left: for some, for the one selected, for none of several
    nothing_done: str  # the warning when nothing of the selection was acted on and nothing refused
    order_by: tuple[str, ...]  # the order the matches are decided in
    # Whether the matches the page counted all go to the service, those decided since it was shown included, so each
    # of these is refused by name ("already declined by …", worth knowing when two coordinators work on one list);
    # otherwise only those the action can still act on go. Either way the rest is left as the page said, unnamed.
    name_the_changed: bool = False
    # What can be done instead with some of those left: which of them, and the sentence the API's refusal ends with.
    instead: tuple[Q, str] | None = None
    # "so there is nothing to …" when none can be acted on, if not the verb: "clear" rather than "clear the flag of".
    nothing_to: str = ""
    # Others of the selection that still go to the service, which refuses each by name, though the page counted them
    # with those left as they are (the coordinator's own matches, refused alike whether flagged or not).
    also_refused: Q | None = None

    def left_note(self, count: int, acted_on: int) -> str:
        left = count - acted_on
        if not count:
            return GONE
        if not left:
            return ""
        if acted_on:
            return f"{left} of the {count} selected matches {self.left_because[0]} and will be left as they are."
        nothing = f"so there is nothing to {self.nothing_to or self.verb.lower()}."
        if count == 1:
            return f"The selected match {self.left_because[1]}, {nothing}"
        return f"None of the {count} selected matches {self.left_because[2]}, {nothing}"

    def intro(self, count: int, acted_on: int, note_label: str) -> str:
        if count == 1:
            which = "this match"
        elif acted_on == count:
            which = f"these {count} matches"
        else:
            which = self.some.format(n=acted_on)
        return f"{self.verb} {which}. The {note_label.lower()} is recorded in each match's history."


def with_note(
    modeladmin: admin.ModelAdmin[Match],
    request: HttpRequest,
    queryset: QuerySet[Match],
    action: NotedAction,
    decide: Callable[[Match, str], object],
) -> TemplateResponse | None:
    """An intermediate page asks for the note once for the whole selection, as delete_selected asks to confirm; the
    note given, the matches are decided and the list comes back with the report."""
    form = action.form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        note = form.cleaned_data["reason"]
        matches = _to_send(modeladmin, request, queryset, action)
        run_batch(modeladmin, request, matches.order_by(*action.order_by), lambda m: decide(m, note), action)
        return None
    count = queryset.count()
    acted_on = queryset.filter(action.acts_on).count()
    left_note = action.left_note(count, acted_on)
    if action.instead and count > acted_on and queryset.filter(action.instead[0]).exists():
        left_note = f"{left_note} {action.instead[1]}"
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{action.verb} {count} selected match{pluralize(count, 'es')}",
        "opts": modeladmin.model._meta,
        "form": form,
        "matches": queryset.select_related("trainee__user", "mentor__user")[:50],
        "count": count,
        "to_decide": acted_on,
        "intro": action.intro(count, acted_on, str(form.fields["reason"].label)),
        "left_note": left_note,
        "list_url": request.get_full_path(),  # the list as it was filtered, for Cancel
        "selected_ids": list(queryset.values_list("pk", flat=True)),
        "counted_ids": list(queryset.filter(action.acts_on).values_list("pk", flat=True)),
        "counted_name": COUNTED,
        "action": action.action,
        "verb": action.verb,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/matching/match/decision_reason.html", context)


def _to_send(
    modeladmin: admin.ModelAdmin[Match], request: HttpRequest, queryset: QuerySet[Match], action: NotedAction
) -> QuerySet[Match]:
    """The matches that go to the service once the note is given."""
    sent = action.acts_on if action.also_refused is None else action.acts_on | action.also_refused
    if not (action.name_the_changed and COUNTED in request.POST):
        return queryset.filter(sent)
    # One field of comma-separated ids, not one field each: with the selected ids already one field each, a cohort of
    # 10,000 would pass DATA_UPLOAD_MAX_NUMBER_FIELDS and be answered with a bare 400.
    counted = [pk for pk in request.POST.get(COUNTED, "").split(",") if pk.isdigit()]
    selected = [pk for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if pk.isdigit()]
    # The ones the page counted, though the list's filter may no longer show one decided meanwhile: the coordinator
    # reads who decided it rather than finding it silently gone. Still only among those she may see and selected.
    chosen = modeladmin.get_queryset(request).filter(pk__in=counted).filter(pk__in=selected)
    if action.also_refused is not None:
        chosen = chosen | queryset.filter(action.also_refused)
    return chosen


def run_batch(
    modeladmin: admin.ModelAdmin[Match],
    request: HttpRequest,
    matches: QuerySet[Match],
    decide: Callable[[Match], object],
    action: NotedAction,
) -> None:
    succeeded = 0
    refusals: list[str] = []
    for match in matches.select_related("program", "trainee__user", "mentor__user"):
        try:
            decide(match)
        except ApplicationError as error:
            refusals.append(refusal(match, error))
        else:
            succeeded += 1
    report(modeladmin, request, succeeded, refusals, done=action.done, nothing_done=action.nothing_done)


def refusal(match: Match, error: ApplicationError) -> str:
    return f"{match.trainee} ↔ {match.mentor}: {error.message}"


def report(
    modeladmin: admin.ModelAdmin[Match],
    request: HttpRequest,
    succeeded: int,
    refusals: list[str],
    *,
    done: str,
    nothing_done: str,
) -> None:
    if succeeded:
        modeladmin.message_user(request, f"{done} {succeeded} match{pluralize(succeeded, 'es')}.", messages.SUCCESS)
    elif not refusals:
        # Say so, rather than come back to an unchanged list without a word.
        modeladmin.message_user(request, nothing_done, messages.WARNING)
    for text in refusals[:MAX_LISTED_REFUSALS]:
        modeladmin.message_user(request, text, messages.WARNING)
    if len(refusals) > MAX_LISTED_REFUSALS:
        more = len(refusals) - MAX_LISTED_REFUSALS
        modeladmin.message_user(
            request, f"… and {more} more were refused for the same kinds of reason.", messages.WARNING
        )
