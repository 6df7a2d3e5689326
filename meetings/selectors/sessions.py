"""Session logs as each person may read them (private notes only their author's) and the goals they name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.query import ModelIterable
from django.utils import timezone

from matching.models import Match
from matching.selectors.mentorship import coordinators_to_contact
from meetings.models import Meeting, SessionGoal, SessionLog
from meetings.people import Role, role_in, time_zone_for
from meetings.selectors.feedback import checkin_to_answer
from meetings.selectors.matches import goals_for_logs_of
from meetings.selectors.meetings import meetings_for, with_follow_up
from profiles.models import Goal, User


class _PrivateNotesOfTheirAuthorOnly(ModelIterable):  # type: ignore[type-arg]
    """Logs whose `notes_private` is the reader's own private notes: blank on a log someone else wrote."""

    def __iter__(self) -> Iterator[SessionLog]:
        for log in super().__iter__():
            log.notes_private = getattr(log, _READERS_PRIVATE_NOTES)
            yield log


_READERS_PRIVATE_NOTES = "readers_private_notes"


def session_logs_for(*, user: User) -> QuerySet[SessionLog]:
    """Logs of the user's matches. `notes_private` is filled on the user's own logs only: the other person's private
    notes are never read from the database, so no template or serializer can show them by mistake."""
    logs = (
        SessionLog.objects.filter(Q(match__mentor__user=user) | Q(match__trainee__user=user))
        .select_related("match__mentor__user", "match__trainee__user", "meeting")
        .prefetch_related("topics", "goal_updates__goal")
        .defer("notes_private")
        .annotate(
            **{
                _READERS_PRIVATE_NOTES: Case(
                    When(author=user, then=F("notes_private")), default=Value(""), output_field=TextField()
                )
            }
        )
    )
    logs._iterable_class = _PrivateNotesOfTheirAuthorOnly
    return logs


def session_log_start(*, match: Match, user: User, meeting_id: str | None) -> tuple[Meeting | None, dict[str, Any]]:
    """The meeting a new log is about (`?meeting=`: one of this match's, else Meeting.DoesNotExist, a non-number
    included) and the form's first values: that meeting's date and length, or today.

    Dates are the mentor's own: a meeting at 21:00 in New York is on that evening's date, not the next day's in UTC.
    """
    zone = time_zone_for(match, user)
    if not meeting_id:
        return None, {"date": timezone.localdate(timezone=zone), "duration_minutes": 45}
    try:
        pk = int(meeting_id)
    except ValueError:
        raise Meeting.DoesNotExist(f"No meeting {meeting_id!r}.") from None
    meeting = match.meetings.get(pk=pk)
    return meeting, {"date": timezone.localdate(meeting.start, zone), "duration_minutes": meeting.duration_minutes}


def session_held_by(session_log: SessionLog) -> datetime:
    """The moment by which the session a log records was held: its meeting's start, or without one the end of the
    log's day on its mentor's calendar (the day he dated it on)."""
    if session_log.meeting is not None:
        return session_log.meeting.start
    zone = session_log.match.mentor.zone()
    return datetime.combine(session_log.date + timedelta(days=1), time.min, tzinfo=zone)


def progress_recorded_after(*, goal: Goal, session_log: SessionLog) -> bool:
    """Whether the goal's progress was recorded after the session the log records: by the trainee herself after it
    was held (`session_held_by`), or by a log (of any of her matches) dated later. The log then keeps its figure
    without moving the goal, which would otherwise fall back to an older state: a forgotten session logged late would
    reopen a goal achieved since. Her change is compared as a moment, not as a date: 07:00 on 11 Jan in Kolkata came
    before a New York session at 21:00 on the 10th."""
    set_at = goal.progress_set_by_trainee_at
    if set_at is not None and set_at >= session_held_by(session_log):
        return True
    return SessionGoal.objects.filter(goal=goal, session__date__gt=session_log.date).exists()


def goals_behind(session_log: SessionLog) -> list[Goal]:
    """The goals a log reports progress on that show progress recorded after its session (`progress_recorded_after`):
    its figures for them are kept on the log only."""
    goals = Goal.objects.filter(pk__in=session_log.goal_updates.values("goal")).order_by("title", "pk")
    return [goal for goal in goals if progress_recorded_after(goal=goal, session_log=session_log)]


@dataclass(frozen=True)
class MatchPage:
    """The pair's shared space as one of them sees it: meetings, session notes (private notes only on their own)
    and what they may do."""

    role: Role | None
    meetings: QuerySet[Meeting]
    logs: QuerySet[SessionLog]
    checkin_period: int | None  # the check-in `user` still has to answer now
    can_propose: bool  # the match is under way
    can_log: bool  # …and `user` is its mentor
    coordinators: list[User]  # whom to write to about the match: to end it, or with a concern


def match_page_for(*, user: User, match: Match) -> MatchPage:
    """`match` is one of `user`'s (`match_for`)."""
    role = role_in(match, user)
    under_way = match.status == Match.Status.APPROVED
    return MatchPage(
        role=role,
        meetings=with_follow_up(meetings_for(user=user).filter(match=match).order_by("-start", "-pk"), user=user),
        logs=session_logs_for(user=user).filter(match=match),
        checkin_period=checkin_to_answer(match=match, user=user),
        can_propose=under_way,
        can_log=under_way and role == "mentor",
        coordinators=coordinators_to_contact(match=match),
    )


def goals_for_log_form(*, match: Match, log: SessionLog | None = None) -> list[Goal]:
    """The goals the log form (and `GET /api/v1/matches/{id}/goals/`) offers: the trainee's not dropped, and every
    goal the log being edited names, whatever it has become. A figure the form did not show would not be sent back,
    and the save would delete it from the log. None before the match is approved: a trainee who only asked keeps her
    goals to herself (`session_log_refusal`)."""
    if match.status not in Match.BEGUN:
        return []
    named = Q(pk__in=log.goal_updates.values("goal")) if log is not None else Q(pk__in=[])
    return list(goals_for_logs_of(match).filter(~Q(status=Goal.Status.DROPPED) | named))
