"""Page numbers from a page's address, for the lists every app shares (the HTML pages', and `last` for the API's)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

#: `?page=last` (DRF's word for it): the last page, in the API and on the pages that take it.
LAST_PAGE = "last"


def page_or_last(paginator: Paginator[Any], number: Any) -> Page[Any]:
    """`paginator.page(number)`, where LAST_PAGE is the last page; raises InvalidPage as that does."""
    return paginator.page(paginator.num_pages if number == LAST_PAGE else number)


def nearest_page(paginator: Paginator[Any], number: Any) -> Page[Any]:
    """The page a person most likely meant: the first for a number below 1 or not a number, the last for one past
    the end. Django's `get_page` sends 0 and negative numbers to the last page, the other end of the list. (The API
    does not guess: a number that is no page number is a 400 there, one past the end a 404.)"""
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(1 if int(number) < 1 else paginator.num_pages)
