"""What the hourly task writes for every approved match: check-in surveys, inactivity nudges, at-risk flags.

Idempotent: each row's occurrence is its period number, so running twice (or on two beat instances) writes
nothing new. Only the current period is written; a missed period is not back-filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from matching.models import Match
from meetings.models import Meeting
from meetings.services.risk import match_flag_at_risk
from notifications.services import notifications_cancel, notify_new

CHECKIN = "checkin_survey"
NUDGE = "inactivity_nudge"


@dataclass
class FollowupReport:
    matches: int = 0
    checkins: int = 0
    nudges: int = 0
    flagged: int = 0


def _notify_both(match: Match, *, kind: str, due_at: datetime, occurrence: str, context: dict[str, Any]) -> int:
    """Write the message to both people once; returns how many were new (0 on every later hourly run)."""
    return sum(
        notify_new(recipient=person, kind=kind, about=match, due_at=due_at, occurrence=occurrence, context=context)
        for person in (match.mentor.user, match.trainee.user)
    )


def _checkin(match: Match, approved_at: datetime, now: datetime) -> int:
    program = match.program
    first_due = approved_at + timedelta(days=program.first_checkin_days)
    if now < first_due:
        return 0
    period = (now - first_due).days // program.checkin_every_days
    due_at = first_due + timedelta(days=period * program.checkin_every_days)
    return _notify_both(match, kind=CHECKIN, due_at=due_at, occurrence=f"p{period}", context={"period": period})


def _inactivity(match: Match, approved_at: datetime, last_session: datetime | None, now: datetime) -> tuple[int, bool]:
    """Nudge both once per whole inactivity period since the last session (or approval). The second consecutive
    nudge means the match is at risk."""
    days = match.program.inactivity_days
    since = max(filter(None, [approved_at, last_session]))
    periods = (now - since).days // days
    if periods < 1:
        return 0, False
    due_at = since + timedelta(days=periods * days)
    nudges = _notify_both(
        match,
        kind=NUDGE,
        due_at=due_at,
        occurrence=f"{since:%Y%m%d}-n{periods}",
        context={"idle_days": periods * days, "nudge": periods},
    )
    flagged = periods >= 2 and match_flag_at_risk(
        match=match, reason=f"No session logged in {periods * days} days ({periods} nudges)."
    )
    return nudges, flagged


def schedule_followups(*, now: datetime | None = None) -> FollowupReport:
    now = now or timezone.now()
    report = FollowupReport()
    matches = (
        Match.objects.active()
        .select_related("program", "mentor__user", "trainee__user")
        .annotate(
            last_session_date=Max("session_logs__date"),
            has_meeting=Exists(Meeting.objects.agreed().filter(match=OuterRef("pk"))),
        )
        .order_by("pk")
    )
    for match in matches.iterator(chunk_size=500):
        with transaction.atomic():
            # Still approved, under the match's row lock: a coordinator ending it meanwhile either ended it before
            # (it is skipped) or waits for us (and the end then cancels what we wrote). A match being decided
            # right now is left to the next run.
            still = Match.objects.select_for_update(skip_locked=True).filter(pk=match.pk, status=Match.Status.APPROVED)
            if not still.values_list("pk", flat=True):
                continue
            report.matches += 1
            _follow_up(match, now, report)
    return report


def _follow_up(match: Match, now: datetime, report: FollowupReport) -> None:
    approved_at = match.decided_at or match.created_at
    last_date = match.last_session_date  # type: ignore[attr-defined]
    last_session = datetime.combine(last_date, time.min, tzinfo=UTC) if last_date else None
    report.checkins += _checkin(match, approved_at, now)
    nudges, flagged = _inactivity(match, approved_at, last_session, now)
    report.nudges += nudges
    report.flagged += int(flagged)
    no_meeting_by = approved_at + timedelta(days=match.program.first_meeting_days)
    if not match.has_meeting and now >= no_meeting_by:  # type: ignore[attr-defined]
        days = match.program.first_meeting_days
        report.flagged += int(match_flag_at_risk(match=match, reason=f"No meeting within {days} days of approval."))


def match_followups_cancel(*, match: Match) -> int:
    """Cancel an ended match's queued check-in surveys and inactivity nudges (nothing is left to check in on);
    how many."""
    return notifications_cancel(about=match, kinds=(CHECKIN, NUDGE))
