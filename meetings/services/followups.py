"""What the hourly task writes for every approved match: check-in surveys, inactivity nudges, at-risk flags; and
the flags it raised that it clears again once their cause has gone (`risk.match_unflag_resolved`).

Idempotent: each row's occurrence is its period number, so running twice (or on two beat instances) writes
nothing new. Only the current period is written; a missed period is not back-filled.

A match where the mentor or the trainee has left (a deactivated account) is skipped: nobody is asked to meet
someone who has gone, and the health page lists it for the coordinator to end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from matching.models import Match, MatchTransition
from matching.services.decisions import AT_RISK_CLEARED
from meetings.models import MAX_DURATION_MINUTES, Meeting
from meetings.services.risk import NO_MEETING, NO_SESSION, match_flag_at_risk, match_unflag_resolved
from notifications.services import notifications_cancel, notify_new

CHECKIN = "checkin_survey"
NUDGE = "inactivity_nudge"


@dataclass
class FollowupReport:
    matches: int = 0
    checkins: int = 0
    nudges: int = 0
    flagged: int = 0
    unflagged: int = 0


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
    return _notify_both(
        match, kind=CHECKIN, due_at=due_at, occurrence=checkin_occurrence(period), context={"period": period}
    )


def checkin_occurrence(period: int) -> str:
    """Which of a match's check-ins a prompt asks for, in its outbox key: one per period."""
    return f"p{period}"


def _idle_periods(match: Match, since: datetime, now: datetime) -> int:
    """Whole inactivity periods from `since` to `now`."""
    return (now - since).days // match.program.inactivity_days


def _booked(match: Match, now: datetime) -> bool:
    """Whether the match has an accepted meeting still ahead (or under way) at `now`: they have arranged to meet,
    so nobody is told to propose a meeting. Only matches with an accepted meeting that may not have ended yet (the
    `maybe_booked` annotation) are looked at."""
    if not match.maybe_booked:  # type: ignore[attr-defined]
        return False
    soon = Meeting.objects.agreed().filter(match=match, start__gt=now - timedelta(minutes=MAX_DURATION_MINUTES))
    return any(meeting.is_upcoming(now) for meeting in soon)


def _inactivity(match: Match, since: datetime, cleared_at: datetime | None, now: datetime) -> tuple[int, bool]:
    """Nudge both once per whole inactivity period since the last session, held or logged (or the approval:
    `idle_since`). The second consecutive nudge means the match is at risk; after a coordinator cleared the flag, two
    more periods without a session do (the flag would otherwise come back within the hour, the cause being the same).

    Not while an accepted meeting is ahead: nobody is nudged ("propose a meeting") nor flagged for it. Once that
    meeting has begun, the clock counts from it, logged or not."""
    days = match.program.inactivity_days
    periods = _idle_periods(match, since, now)
    if periods < 1 or _booked(match, now):
        return 0, False
    due_at = since + timedelta(days=periods * days)
    nudges = _notify_both(
        match,
        kind=NUDGE,
        due_at=due_at,
        occurrence=f"{since:%Y%m%d}-n{periods}",
        context={"idle_days": periods * days, "nudge": periods},
    )
    idle_since_looked_at = _idle_periods(match, max(since, cleared_at), now) if cleared_at else periods
    flagged = (
        periods >= 2
        and idle_since_looked_at >= 2
        and match_flag_at_risk(match=match, reason=f"{NO_SESSION} {periods * days} days ({periods} nudges).")
    )
    return nudges, flagged


def matches_follow_up(*, now: datetime | None = None) -> FollowupReport:
    now = now or timezone.now()
    report = FollowupReport()
    # When a coordinator last cleared the match's flag by hand (the follow-up's own clearing does not count).
    cleared = MatchTransition.objects.notes().filter(
        match=OuterRef("pk"), by__isnull=False, reason__startswith=AT_RISK_CLEARED
    )
    matches = (
        Match.objects.active()
        # Someone who left is neither nudged nor asked how it goes (health.someone_left lists the match to end).
        .both_take_part()
        .select_related("program", "mentor__user", "trainee__user")
        .annotate(
            last_session_date=Max("session_logs__date"),
            # A meeting held but not logged yet is a session all the same (its mentor has a prompt to log it).
            last_meeting_start=Subquery(
                Meeting.objects.agreed()
                .filter(match=OuterRef("pk"), start__lte=now)
                .order_by("-start")
                .values("start")[:1]
            ),
            has_meeting=Exists(Meeting.objects.agreed().filter(match=OuterRef("pk"))),
            # A cheap superset of "has an accepted meeting ahead" (`_booked` checks each one's end).
            maybe_booked=Exists(
                Meeting.objects.agreed().filter(
                    match=OuterRef("pk"), start__gt=now - timedelta(minutes=MAX_DURATION_MINUTES)
                )
            ),
            risk_cleared_at=Subquery(cleared.order_by("-at", "-pk").values("at")[:1]),
        )
        .order_by("pk")
    )
    for match in matches.iterator(chunk_size=500):
        with transaction.atomic():
            # Still approved, under the match's row lock: a coordinator ending it meanwhile either ended it before
            # (it is skipped) or waits for us (and the end then cancels what we wrote). A match being decided
            # right now is left to the next run. Its flag is read under the lock too: a coordinator may have just
            # cleared it.
            still = Match.objects.select_for_update(skip_locked=True).filter(pk=match.pk, status=Match.Status.APPROVED)
            flag = still.values_list("at_risk_since", "at_risk_reason").first()
            if flag is None:
                continue
            match.at_risk_since, match.at_risk_reason = flag
            report.matches += 1
            _follow_up(match, now, report)
    return report


def idle_since(
    *, approved_at: datetime, last_log_date: date | None, last_meeting_start: datetime | None, mentor_zone: tzinfo
) -> datetime:
    """Where the inactivity clock starts (the nudges and the "no session" flag alike): the latest of the approval,
    the start of the last logged session's day and the start of the last accepted meeting that has begun, logged or
    not. A log's date is on its mentor's calendar: counted from midnight UTC, a New York mentor's session of 10 Jan
    was "30 days ago" on the evening of his 29th day."""
    last_log = datetime.combine(last_log_date, time.min, tzinfo=mentor_zone) if last_log_date else None
    return max(moment for moment in (approved_at, last_log, last_meeting_start) if moment is not None)


def _follow_up(match: Match, now: datetime, report: FollowupReport) -> None:
    approved_at = match.decided_at or match.created_at
    since = idle_since(
        approved_at=approved_at,
        last_log_date=match.last_session_date,  # type: ignore[attr-defined]
        last_meeting_start=match.last_meeting_start,  # type: ignore[attr-defined]
        mentor_zone=match.mentor.zone(),
    )
    met: bool = match.has_meeting  # type: ignore[attr-defined]
    cleared_at: datetime | None = match.risk_cleared_at  # type: ignore[attr-defined]
    report.checkins += _checkin(match, approved_at, now)
    # First what has resolved itself: a match flagged for no meeting that has one now may still be idle, and is then
    # flagged for that below, in the same run.
    report.unflagged += int(match_unflag_resolved(match=match, met=met, idle_periods=_idle_periods(match, since, now)))
    nudges, flagged = _inactivity(match, since, cleared_at, now)
    report.nudges += nudges
    report.flagged += int(flagged)
    no_meeting_by = approved_at + timedelta(days=match.program.first_meeting_days)
    # Raised once: a coordinator who cleared it since has looked into it, and it would not go away by waiting.
    looked_into = cleared_at is not None and cleared_at >= no_meeting_by
    if not met and now >= no_meeting_by and not looked_into:
        days = match.program.first_meeting_days
        report.flagged += int(match_flag_at_risk(match=match, reason=f"{NO_MEETING} {days} days of approval."))


def match_followups_cancel(*, match: Match) -> int:
    """Cancel an ended match's queued check-in surveys and inactivity nudges (nothing is left to check in on);
    how many."""
    return notifications_cancel(about=match, kinds=(CHECKIN, NUDGE))
