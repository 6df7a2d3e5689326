"""The admin's search box, bounded: Django turns every word into an OR across the search fields, so a pasted page
of text (1,000 words) built a query SQLite refuses ("Expression tree is too large") — a server error."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import smart_split

#: More words than anyone types into a search for a person, a goal or a message.
MAX_SEARCH_WORDS = 12


class BoundedSearch:
    """Searches for the first MAX_SEARCH_WORDS words (a quoted phrase counts as one) and says so."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        words = list(smart_split(search_term))
        if len(words) > MAX_SEARCH_WORDS:
            search_term = " ".join(words[:MAX_SEARCH_WORDS])
            messages.warning(request, f"Searched for the first {MAX_SEARCH_WORDS} words only: “{search_term}”.")
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
