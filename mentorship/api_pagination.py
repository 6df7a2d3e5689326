"""Page-number pagination for the API: `?page=` is a whole number from 1, or `last` for the last page; anything
else is a 400 naming `page`, a page past the end a 404. (A query parameter a list does not take is refused by
mentorship.api_query, for every operation.)

Its own module: DRF imports the pagination class while it builds GenericAPIView, and mentorship.api imports
DRF's views, so the class cannot live there without a circular import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, pagination

from mentorship.paging import LAST_PAGE

#: How every paged list of the API documents `?page=` (the mentor directory pages by itself, the same way).
PAGE_DESCRIPTION = (
    "A page number from 1, or `last` for the last page (20 rows a page). Anything else is a 400 naming `page`; "
    "a page past the end is a 404."
)
PAGE_SCHEMA: dict[str, Any] = {
    "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": [LAST_PAGE]}],
}


def page_number(query_params: Mapping[str, Any], name: str = "page") -> int | str:
    """The `?page=` a client asked for: a whole number from 1 or LAST_PAGE, else a 400 naming `page`.

    Django's paginator calls "abc" or 0 an invalid page, which DRF answers 404 like a page past the end: a client
    could not tell a typo from an empty list. An empty value is page 1, as an empty filter is no filter. The caller
    turns LAST_PAGE into the number of pages once it knows it (`mentorship.paging.page_or_last`).
    """
    raw = query_params.get(name) or "1"
    if raw == LAST_PAGE:
        return LAST_PAGE
    # Plain ASCII digits only: int() also reads "１", "1_0", " 1" and "+1".
    number = int(raw) if raw.isascii() and raw.isdigit() else 0
    if number < 1:
        raise exceptions.ValidationError({name: [f"A page is a whole number from 1, or {LAST_PAGE!r}."]})
    return number


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page-number pagination (`{count, next, previous, results}`; past the end is 404), with `?page=` read by
    `page_number`."""

    def get_page_number(self, request: Any, paginator: Any) -> int:
        number = page_number(request.query_params, self.page_query_param)
        # DRF's own get_page_number, which this replaces, is where `last` became the last page's number.
        return int(paginator.num_pages) if number == LAST_PAGE else int(number)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter.update(description=PAGE_DESCRIPTION, schema=PAGE_SCHEMA)
        return parameters
