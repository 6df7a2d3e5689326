"""The one place a match changes status: it writes the audit row in the same transaction."""

from __future__ import annotations

from django.utils import timezone

from matching.models import Match, MatchTransition
from profiles.models import User


def match_transition(
    *, match: Match, to: str, by: User | None, reason: str = "", fields: tuple[str, ...] = ()
) -> Match:
    """Move `match` to status `to`, save the given extra fields with it, and record who did it.

    Callers hold whatever lock their rule needs (the mentor row for approvals, the match row for decisions).
    """
    previous = match.status
    match.status = to
    match.save(update_fields=["status", "updated_at", *fields])
    MatchTransition.objects.create(
        match=match, from_status=previous, to_status=to, by=by, at=timezone.now(), reason=reason
    )
    return match


def match_created(*, match: Match, by: User | None, reason: str = "") -> None:
    """Record the first state of a newly created match in its history."""
    MatchTransition.objects.create(match=match, from_status="", to_status=match.status, by=by, reason=reason)
