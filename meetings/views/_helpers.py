from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from matching.models import Match
from meetings import selectors
from meetings.models import Meeting
from profiles.access import signed_in_user


def meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_for(user=signed_in_user(request), pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting of yours.") from None


def match_or_404(request: HttpRequest, pk: int) -> Match:
    try:
        return selectors.match_for(user=signed_in_user(request), pk=pk)
    except Match.DoesNotExist:
        raise Http404("No such match of yours.") from None


def form_error(form: Any, exc: Any) -> None:
    """Show a service refusal next to the field it names (the whole sentence by the first, the short note by any
    other), or above the form."""
    placed = False
    for field, messages in (getattr(exc, "fields", None) or {}).items():
        if field in form.fields:
            form.add_error(field, messages[0] if placed else exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
