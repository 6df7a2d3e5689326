"""Flagging a match for the coordinator, and clearing a flag whose cause has gone. Only the first reason is kept.

Who clears a flag: the coordinator, in the admin (`matching.services.decisions.match_clear_at_risk`), whatever
raised it; and the hourly follow-up, for the flags it raised itself, once their cause has gone (a meeting was
accepted, a session was logged). A flag raised by an answer ("not a good fit", a bad check-in) stays until a
coordinator has looked into it.
"""

from __future__ import annotations

from django.utils import timezone

from matching.models import Match
from matching.services.decisions import at_risk_clear

#: How the hourly follow-up's reasons begin (`meetings.services.followups`): what it may clear by itself.
NO_MEETING = "No meeting within"
NO_SESSION = "No session logged in"


def match_flag_at_risk(*, match: Match, reason: str) -> bool:
    """Returns True when this call set the flag (False when the match was already flagged)."""
    updated = Match.objects.filter(pk=match.pk, at_risk_since__isnull=True).update(
        at_risk_since=timezone.now(), at_risk_reason=reason[:200]
    )
    if updated:
        match.refresh_from_db(fields=["at_risk_since", "at_risk_reason"])
    return bool(updated)


def match_unflag_resolved(*, match: Match, met: bool, idle_periods: int) -> bool:
    """Clear a flag the hourly follow-up raised once its cause has gone: "no meeting" once a meeting was accepted
    (`met`), "no session" once the time since the last session, held or logged (or the approval), is under the two
    nudge periods that raised it: `idle_periods` counts from `followups.idle_since`, the nudges' own clock. Recorded
    in the match's history, by nobody. Returns True when cleared.

    The caller holds the match's row lock and read its flag under it: a coordinator clearing it, or an answer
    flagging it, waits for this transaction."""
    reason = match.at_risk_reason
    if match.at_risk_since is None:
        return False
    if reason.startswith(NO_MEETING) and met:
        why = "Its cause has gone: a meeting was accepted."
    elif reason.startswith(NO_SESSION) and idle_periods < 2:
        why = "Its cause has gone: a session was held or logged since."
    else:
        return False
    at_risk_clear(match, by=None, why=why)
    return True
