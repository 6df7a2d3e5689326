"""Query parameters: every operation of the API refuses one it does not take, with a 400 naming it.

Ignored, a wrong name (`?state=` for `?status=`, a filter another list has, `?dry_run=1` on a DELETE) answered as
if it were not there, which looks to a client exactly like a parameter that worked. What an operation takes is
what the schema documents for it: a list its page and its filter backends' parameters (or the `query_parameters`
its view names, when it reads them itself), every other operation nothing; `?format=` is always taken (DRF reads
it, mentorship.api_negotiation answers an unknown one with 406).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters, mixins, viewsets
from rest_framework.request import Request
from rest_framework.settings import api_settings

UNKNOWN_PARAMETER = "This operation takes no such query parameter."
REPEATED_PARAMETER = "Give this query parameter once: it takes one value."


def refuse_unknown_query_parameters(query_params: Mapping[str, Any], taken: Iterable[str]) -> None:
    """A 400 naming every query parameter not in `taken` (nor `format`), and every one given more than once: each
    filter reads one value (the last), so `?status=accepted&status=proposed` answered only the proposed ones."""
    unknown = set(query_params) - set(taken) - {api_settings.URL_FORMAT_OVERRIDE}
    lists = query_params.lists() if isinstance(query_params, QueryDict) else ()
    repeated = {name for name, values in lists if len(values) > 1} - unknown
    problems = {name: [UNKNOWN_PARAMETER] for name in sorted(unknown)}
    problems |= {name: [REPEATED_PARAMETER] for name in sorted(repeated)}
    if problems:
        raise exceptions.ValidationError(problems)


def query_parameters_taken(view: Any) -> set[str]:
    """The query parameters of the operation `view` is answering (as drf-spectacular documents them)."""
    declared = getattr(view, "query_parameters", None)
    if declared is not None:
        return set(declared)
    if not _is_list(view):
        return set()
    taken: set[str] = set()
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        taken.add(paginator.page_query_param)
        if getattr(paginator, "page_size_query_param", None):
            taken.add(paginator.page_size_query_param)
    for backend_class in getattr(view, "filter_backends", []):
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            filterset = backend.get_filterset_class(view, view.get_queryset())
            taken |= set(filterset.base_filters) if filterset else set()
        elif isinstance(backend, filters.OrderingFilter):
            taken.add(backend.ordering_param)
        elif isinstance(backend, filters.SearchFilter):
            taken.add(backend.search_param)
    return taken


def _is_list(view: Any) -> bool:
    if view.request.method not in {"GET", "HEAD"}:
        return False
    if isinstance(view, viewsets.ViewSetMixin):
        return getattr(view, "action", None) == "list"
    return isinstance(view, mixins.ListModelMixin)


class KnownQueryParametersOnly:
    """Mixed into every API view (before DRF's view class): after authentication and the permission checks, so an
    anonymous call is still 401, and before the handler runs, so a refused write changes nothing."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        refuse_unknown_query_parameters(request.query_params, query_parameters_taken(self))
