"""The match list's own filters: the coordinator's programs, a round's proposals, and the matches at risk."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.http import HttpRequest

from matching.admin_views import access
from matching.models import Match
from mentorship.filters import as_id
from profiles.access import signed_in_user


def filter_value_id(list_filter: admin.SimpleListFilter) -> int | None:
    """The filter's value, which must be an id: anything else (a link cut short, an edited address) is the admin's
    "bad filter", which sends the coordinator back to the whole list, rather than a server error."""
    value = list_filter.value()
    if not value:
        return None
    found = as_id(value)
    if found is None:
        raise IncorrectLookupParameters(f"{list_filter.parameter_name}={value!r} is not an id")
    return found


class ProgramListFilter(admin.SimpleListFilter):
    """Only the programs this coordinator runs are offered."""

    title = "program"
    parameter_name = "program"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(p.pk), p.name) for p in access.programs_for(signed_in_user(request))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = filter_value_id(self)
        return queryset.filter(program_id=value) if value is not None else queryset


class AtRiskListFilter(admin.SimpleListFilter):
    """The approved matches flagged at risk, to look into or clear (with *Clear the at-risk flag*) from the list, as
    the health page lists them: never one the reader is the mentor or trainee of, whose flag is hidden from them
    everywhere (`Match.at_risk_visible_to`); the address-bar lookups on the flag stay refused (`lookups_refused`)."""

    title = "at risk"
    parameter_name = "at_risk"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "At risk")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if value != "yes":
            raise IncorrectLookupParameters(f"at_risk={value!r}: only 'yes' lists the matches at risk")
        flagged = queryset.filter(status=Match.Status.APPROVED, at_risk_since__isnull=False)
        return flagged.exclude(mentor__user=request.user).exclude(trainee__user=request.user)


class RoundListFilter(admin.SimpleListFilter):
    """A round's proposals, for bulk approval from the round page."""

    title = "matching round"
    parameter_name = "round"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        rounds = access.rounds_for(signed_in_user(request)).select_related("program")
        recent = list(rounds[:10])
        # An older round's page links here too: offer the round the list is cut to, so the sidebar shows it chosen
        # (only if it is one of this coordinator's rounds; another program's is never named).
        chosen = as_id(self.value())
        if chosen is not None and all(r.pk != chosen for r in recent):
            recent += list(rounds.filter(pk=chosen))
        return [(str(r.pk), f"#{r.pk} {r}") for r in recent]

    def has_output(self) -> bool:
        # With no round to offer the admin would drop "?round=N" without a word and list every match: a link to a
        # round must cut the list even then (to nothing, for a round this coordinator cannot see).
        return super().has_output() or bool(self.value())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = filter_value_id(self)
        return queryset.filter(round_id=value) if value is not None else queryset
