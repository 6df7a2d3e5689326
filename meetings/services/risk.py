"""Flagging a match for the coordinator. Only the two at-risk fields are written, and only the first reason is kept
(the coordinator clears the flag in the admin)."""

from __future__ import annotations

from django.utils import timezone

from matching.models import Match


def match_flag_at_risk(*, match: Match, reason: str) -> bool:
    """Returns True when this call set the flag (False when the match was already flagged)."""
    updated = Match.objects.filter(pk=match.pk, at_risk_since__isnull=True).update(
        at_risk_since=timezone.now(), at_risk_reason=reason[:200]
    )
    if updated:
        match.refresh_from_db(fields=["at_risk_since", "at_risk_reason"])
    return bool(updated)
