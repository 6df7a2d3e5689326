"""Session logs: written by the mentor of the match only."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from matching.models import Match
from meetings.errors import MatchNotApproved, MeetingStateConflict, MentorOnly, SessionAlreadyLogged
from meetings.models import MAX_DURATION_MINUTES, Meeting, SessionGoal, SessionLog
from meetings.people import role_in, time_zone_for
from meetings.selectors import goals_for_logs_of, progress_recorded_after
from meetings.services.reminders import SESSION_LOG_PROMPT
from meetings.services.session_identity import (
    form_used_up,
    log_content,
    log_content_of,
    meeting_held_that_day,
    recent_twin,
)
from mentorship.errors import ApplicationError
from notifications.services import notifications_cancel, notifications_mark_read_about
from profiles.models import FocusArea, Goal, User
from profiles.services import goal_progress_record
from profiles.versions import ensure_version, saved_version


@dataclass(frozen=True)
class GoalUpdate:
    goal: Goal
    progress: int
    note: str = ""


MAX_LOGGED_BACK = timedelta(days=3 * 365)

#: A log must say what the session was about. With only a date and a duration it would still count as a session
#: (the pair's and the program's session figures, the inactivity clock) for a meeting nobody can tell happened.
EMPTY_LOG = (
    "Say what the session was about: tick a topic, write a note or the next steps, or record progress on a goal. "
    "A date and a duration alone are not saved as a session."
)


def _require_mentor(match: Match, by: User) -> None:
    if role_in(match, by) != "mentor":
        raise MentorOnly("Only the mentor of this match can log its sessions.")


def session_log_refusal(*, match: Match) -> ApplicationError | None:
    """Why no session can be logged in this match (its form says so instead of listing the trainee's goals to a
    mentor who was only asked, or turned down); None for an approved or ended match."""
    if match.status not in Match.BEGUN:
        return MatchNotApproved(
            f"Sessions can only be logged for an approved match; this one is {match.get_status_display().lower()}."
        )
    return None


def _validate(
    *,
    match: Match,
    by: User,
    date_: date,
    duration_minutes: int,
    goal_updates: Sequence[GoalUpdate],
    topics: Sequence[FocusArea],
    notes: tuple[str, str, str],
) -> None:
    refusal = session_log_refusal(match=match)
    if refusal is not None:
        raise refusal
    # "Today" is the mentor's own: at 08:00 in Tokyo it is already the day that has not begun in UTC.
    today = timezone.localdate(timezone=time_zone_for(match, by))
    if date_ > today:
        raise ApplicationError("A session cannot be logged before it happens.", fields={"date": ["In the future."]})
    # Not bounded by the match's start: a program moving its pairs from a spreadsheet logs their earlier sessions.
    # But a typo such as 1900 would land in the program's sessions-per-month figures.
    if date_ < today - MAX_LOGGED_BACK:
        raise ApplicationError(
            "A session can be logged up to three years back: check the year.", fields={"date": ["Too long ago."]}
        )
    # Held sessions can be logged after the end, but a session after it would count for a mentorship that is over.
    if match.status == Match.Status.ENDED and match.ended_at is not None:
        ended_on = timezone.localdate(match.ended_at, timezone=time_zone_for(match, by))
        if date_ > ended_on:
            raise ApplicationError(
                f"This mentorship ended on {ended_on:%-d %b %Y}: only sessions up to that day can be logged.",
                fields={"date": ["After the mentorship ended."]},
            )
    if not 5 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise ApplicationError(
            f"A session lasts 5 to {MAX_DURATION_MINUTES} minutes.", fields={"duration_minutes": ["Out of range."]}
        )
    loggable = set(
        goals_for_logs_of(match).filter(pk__in=[u.goal.pk for u in goal_updates]).values_list("pk", flat=True)
    )
    for update in goal_updates:
        if update.goal.trainee_id != match.trainee_id:
            raise ApplicationError("Only this trainee's goals can be updated.", fields={"goals": ["Not theirs."]})
        if update.goal.pk not in loggable:
            raise ApplicationError(
                "This mentorship has ended: its sessions can record progress only on the goals the trainee had "
                "while it was under way.",
                fields={"goals": ["Added after the mentorship ended."]},
            )
        if not 0 <= update.progress <= 100:
            raise ApplicationError("Progress is 0 to 100 %.", fields={"goals": ["Out of range."]})
    if not topics and not goal_updates and not any(note.strip() for note in notes):
        raise ApplicationError(EMPTY_LOG, code="empty_session_log", fields={"non_field_errors": [EMPTY_LOG]})


def _write_goals(session: SessionLog, goal_updates: Sequence[GoalUpdate]) -> None:
    reported = dict(session.goal_updates.values_list("goal_id", "progress"))  # what the log said before (an edit)
    session.goal_updates.all().delete()
    SessionGoal.objects.bulk_create(
        SessionGoal(session=session, goal=u.goal, progress=u.progress, note=u.note[:300]) for u in goal_updates
    )
    # The trainee's development plan shows the latest progress recorded. An edit reports only what it changes:
    # sent back as it was (a typo fixed in the notes), an old log's figure would overwrite the progress the trainee
    # or a later session has recorded since. A new or corrected figure moves the goal only if nothing was recorded
    # after the log's day, for the same reason: a session logged late (a spreadsheet's, a forgotten one) is history.
    for update in sorted(goal_updates, key=lambda u: u.goal.pk):  # locked in one order: two logs cannot deadlock
        if reported.get(update.goal.pk) == update.progress:
            continue
        # Locked before the question is asked: a trainee's change or another log's comes before or after, not between.
        goal = Goal.objects.select_for_update().get(pk=update.goal.pk)
        if not progress_recorded_after(goal=goal, session_log=session):
            goal_progress_record(goal=goal, progress=update.progress)


@transaction.atomic
def session_log_create(
    *,
    match: Match,
    by: User,
    date: date,
    duration_minutes: int,
    meeting: Meeting | None = None,
    topics: Iterable[FocusArea] = (),
    goal_updates: Sequence[GoalUpdate] = (),
    notes_shared: str = "",
    notes_private: str = "",
    next_steps: str = "",
    submission: UUID | None = None,
    same_as_recent_is_one: bool = False,
) -> SessionLog:
    """Log a session. `submission`: the id of the form it came from; sending it again writes nothing and raises
    `SessionAlreadyLogged` with the first log (checked under the match's row lock, so a double click is one).
    `same_as_recent_is_one` (the HTML form): a log saying exactly what one of the last 30 minutes says is that
    one again, sent from a form the browser fetched anew; an API client tells its retries by `submission`.
    Without a `meeting`, the log is attached to the meeting held that day if there was exactly one
    (`meeting_held_that_day`)."""
    match = Match.objects.select_for_update(of=("self",)).select_related("mentor", "trainee").get(pk=match.pk)
    _require_mentor(match, by)
    topics = list(topics)
    with_meeting = meeting is not None
    content = log_content(
        date_=date,
        duration_minutes=duration_minutes,
        meeting_id=meeting.pk if meeting is not None else None,
        notes=(notes_shared, notes_private, next_steps),
        topic_ids=[t.pk for t in topics],
        goals=[(u.goal.pk, u.progress) for u in goal_updates],
    )
    if submission is not None:
        earlier = SessionLog.objects.filter(submission=submission).first()
        if earlier is not None:
            if earlier.match_id != match.pk:
                raise ApplicationError("This form belongs to another match.", code="invalid")
            same = log_content_of(earlier, with_meeting=with_meeting) == content
            raise SessionAlreadyLogged(
                "This session was already logged." if same else form_used_up(earlier, meeting),
                session_log=earlier,
                same=same,
            )
    if same_as_recent_is_one:
        twin = recent_twin(match=match, by=by, date_=date, content=content, with_meeting=with_meeting)
        if twin is not None:
            raise SessionAlreadyLogged("This session was already logged.", session_log=twin, same=True)
    _validate(
        match=match,
        by=by,
        date_=date,
        duration_minutes=duration_minutes,
        goal_updates=goal_updates,
        topics=topics,
        notes=(notes_shared, notes_private, next_steps),
    )
    if meeting is None:
        meeting = meeting_held_that_day(match=match, by=by, date_=date)
    else:
        if meeting.match_id != match.pk or meeting.status != Meeting.Status.ACCEPTED:
            raise MeetingStateConflict("Link the log to an accepted meeting of this match.")
        if SessionLog.objects.filter(meeting=meeting).exists():
            raise MeetingStateConflict("This meeting already has a session log; edit it instead.")
        # A log dated today would otherwise pass for a meeting later today that may yet be moved or cancelled.
        if meeting.start > timezone.now():
            raise MeetingStateConflict(
                "This meeting has not taken place yet: log the session once it has begun.",
                fields={"date": ["The meeting is still to come."]},
            )
    session = SessionLog.objects.create(
        match=match,
        meeting=meeting,
        author=by,
        date=date,
        duration_minutes=duration_minutes,
        notes_shared=notes_shared,
        notes_private=notes_private,
        next_steps=next_steps,
        submission=submission,
    )
    session.topics.set(topics)
    _write_goals(session, goal_updates)
    if meeting is not None:
        # Done: the prompt is not sent, and the one already delivered no longer counts as new on the bell.
        notifications_cancel(about=meeting, kinds=[SESSION_LOG_PROMPT])
        notifications_mark_read_about(about=meeting, kinds=[SESSION_LOG_PROMPT], recipient=by)
    return session


@transaction.atomic
def session_log_update(
    *,
    session_log: SessionLog,
    by: User,
    date: date,
    duration_minutes: int,
    topics: Iterable[FocusArea] = (),
    goal_updates: Sequence[GoalUpdate] = (),
    notes_shared: str = "",
    notes_private: str = "",
    next_steps: str = "",
    expected_versions: Collection[str] | None = None,
) -> SessionLog:
    """Replace a log's content. `expected_versions`: the versions (`saved_version`) the caller read; any other is
    `ChangedSinceRead`, checked under the row lock (the mentor's edit in another tab is not written over)."""
    session = (
        SessionLog.objects.select_for_update(of=("self",))
        .select_related("match__mentor", "match__trainee")
        .get(pk=session_log.pk)
    )
    _require_mentor(session.match, by)
    ensure_version(saved_version(session), expected_versions, "session log")
    topics = list(topics)
    _validate(
        match=session.match,
        by=by,
        date_=date,
        duration_minutes=duration_minutes,
        goal_updates=goal_updates,
        topics=topics,
        notes=(notes_shared, notes_private, next_steps),
    )
    session.date, session.duration_minutes = date, duration_minutes
    session.notes_shared, session.notes_private, session.next_steps = notes_shared, notes_private, next_steps
    session.save()
    session.topics.set(topics)
    _write_goals(session, goal_updates)
    return session
