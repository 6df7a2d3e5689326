"""Page-number pagination for the API: a page number that is not a whole number from 1, or a query parameter the
list does not take, is a 400 naming it.

Its own module: DRF imports the pagination class while it builds GenericAPIView, and mentorship.api imports
DRF's views, so the class cannot live there without a circular import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters, pagination
from rest_framework.settings import api_settings

UNKNOWN_PARAMETER = "This list takes no such query parameter."


def page_number(query_params: Mapping[str, Any], name: str = "page", *, allow_last: bool = True) -> int | str:
    """The `?page=` a client asked for: a whole number from 1 (or DRF's `last`), else a 400 naming `page`.

    Django's paginator calls "abc" or 0 an invalid page, which DRF answers 404 like a page past the end: a client
    could not tell a typo from an empty list. An empty value is page 1, as an empty filter is no filter.
    """
    raw = query_params.get(name) or "1"
    if allow_last and raw in pagination.PageNumberPagination.last_page_strings:
        return str(raw)
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        raise exceptions.ValidationError({name: ["A page is a whole number from 1."]})
    return number


def refuse_unknown_query_parameters(query_params: Mapping[str, Any], taken: Iterable[str]) -> None:
    """A 400 naming every query parameter not in `taken` (`?format=` is always taken: DRF reads it).

    Ignored, a wrong name (`?state=` for `?status=`, or a filter another list has) answered every row, which
    looks to a client exactly like a filter that matched them all.
    """
    unknown = sorted(set(query_params) - set(taken) - {api_settings.URL_FORMAT_OVERRIDE})
    if unknown:
        raise exceptions.ValidationError({name: [UNKNOWN_PARAMETER] for name in unknown})


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page-number pagination (`{count, next, previous, results}`; past the end is 404). A page number that
    is not a whole number from 1 is a 400 naming `page`; so is a query parameter that neither the pagination nor
    one of the list's filter backends reads (every paged list comes through here, whatever its backends)."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        if view is not None:
            refuse_unknown_query_parameters(request.query_params, self._taken(queryset, view))
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request: Any, paginator: Any) -> int | str:
        return page_number(request.query_params, self.page_query_param)

    def _taken(self, queryset: QuerySet[Any], view: Any) -> set[str]:
        taken = {self.page_query_param, *([self.page_size_query_param] if self.page_size_query_param else [])}
        for backend_class in getattr(view, "filter_backends", []):
            backend = backend_class()
            if isinstance(backend, DjangoFilterBackend):
                filterset = backend.get_filterset_class(view, queryset)
                taken |= set(filterset.base_filters) if filterset else set()
            elif isinstance(backend, filters.OrderingFilter):
                taken.add(backend.ordering_param)
            elif isinstance(backend, filters.SearchFilter):
                taken.add(backend.search_param)
        return taken
