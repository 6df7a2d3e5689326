"""`?ordering=` for every API list: the fields each list allows, ties kept in the list's own order, and anything
else a 400 naming it (DRF's settings name `mentorship.api_ordering.OrderingFilter` as the default backend)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import exceptions, filters


class OrderingFilter(filters.OrderingFilter):
    """DRF's `?ordering=`, with the list's own order kept behind the chosen fields and the id behind everything.

    DRF replaces the order with the chosen fields alone: rows that tie on them (matches sharing a score or
    without one, meetings at the same hour) then come in whatever order the database picks, which may differ
    from one page to the next, so a client paging through sees some rows twice and others never.
    """

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        self._refuse_unknown(request, queryset, view)
        chosen = list(self.get_ordering(request, queryset, view) or [])
        current = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        taken = {_field_of(term) for term in chosen}
        terms = [*chosen, *(term for term in current if _field_of(term) not in taken)]
        if not any(_field_of(term) in {"pk", "id"} for term in terms):
            last = next((term for term in reversed(terms) if isinstance(term, str)), "")
            terms.append("-pk" if last.startswith("-") else "pk")
        if terms == current:
            return queryset
        return queryset.order_by(*terms)

    def _refuse_unknown(self, request: Any, queryset: QuerySet[Any], view: Any) -> None:
        """A field the list does not order by is a 400 naming it, as every other query parameter's bad value is.
        DRF drops it silently: `?ordering=-created` (for `-created_at`) came back in the list's own order, and a
        client took that for the order it asked for."""
        given = [term.strip() for term in request.query_params.get(self.ordering_param, "").split(",") if term.strip()]
        allowed = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [term for term in given if term.lstrip("-") not in allowed]
        if unknown:
            choices = ", ".join(sorted(allowed))
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        f"“{term}” is not a field this list orders by: choose from {choices} ("
                        "`-` in front for descending)."
                        for term in unknown
                    ]
                }
            )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        # DRF documents only "Which field to use…": name the fields this list takes, as docs/api.md promises.
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if fields and fields != "__all__":
            names = ", ".join(f"`{name}`" for name in fields)
            for parameter in parameters:
                parameter["description"] = (
                    f"Order by {names}: `-` in front for descending, several separated by commas. Rows that tie "
                    "keep the list's own order; a field not listed here is a 400 naming it."
                )
        return parameters


def _field_of(term: Any) -> Any:
    return term.removeprefix("-") if isinstance(term, str) else term
