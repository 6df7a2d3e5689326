"""Page numbers from a page's address, for the HTML lists every app shares."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


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
