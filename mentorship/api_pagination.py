"""Page-number pagination for the API: a page number that is not a whole number from 1 is a 400 naming `page`.
(A query parameter a list does not take is refused by mentorship.api_query, for every operation.)

Its own module: DRF imports the pagination class while it builds GenericAPIView, and mentorship.api imports
DRF's views, so the class cannot live there without a circular import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, pagination


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


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page-number pagination (`{count, next, previous, results}`; past the end is 404). A page number that
    is not a whole number from 1 is a 400 naming `page`."""

    def get_page_number(self, request: Any, paginator: Any) -> int | str:
        return page_number(request.query_params, self.page_query_param)
