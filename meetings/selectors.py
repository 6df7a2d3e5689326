"""Reads that depend on who asks. Someone outside a match sees none of its meetings, logs or feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from matching.coordination.health import MIN_ANSWERS_FOR_AVERAGES, feedback_totals
from matching.models import Match, Program
from meetings.models import MAX_DURATION_MINUTES, CheckIn, Feedback, Meeting, SessionLog
from meetings.people import role_in, time_zone_for
from profiles.models import Goal, User

FEEDBACK_REVEAL_AFTER = timedelta(days=7)
#: The home page asks for feedback and session logs on meetings that ended this recently; older ones stay on
#: each meeting's page (a prompt months later helps no one, and the list would only grow).
FOLLOW_UP_WITHIN = timedelta(days=30)


def matches_for(*, user: User) -> QuerySet[Match]:
    return Match.objects.filter(Q(mentor__user=user) | Q(trainee__user=user)).select_related(
        "program", "mentor__user", "trainee__user"
    )


def match_for(*, user: User, pk: int) -> Match:
    """The match if `user` is its mentor or trainee; Match.DoesNotExist otherwise (views answer 404)."""
    return matches_for(user=user).get(pk=pk)


def goals_in_matches_of(*, user: User) -> QuerySet[Goal]:
    """Goals of the trainees of the user's approved or ended matches (his own included): those a session log may
    name. A trainee who only asked, or was turned down, keeps her goals to herself (`session_log_refusal`'s rule),
    and once a match has ended, the goals she set after its end (`goals_for_logs_of`'s rule)."""
    under_way_then = matches_for(user=user).filter(
        Q(status=Match.Status.APPROVED)
        | Q(status=Match.Status.ENDED, ended_at__isnull=True)
        | Q(status=Match.Status.ENDED, ended_at__gte=OuterRef("created_at")),
        trainee=OuterRef("trainee"),
    )
    return Goal.objects.filter(Exists(under_way_then))


def meetings_for(*, user: User) -> QuerySet[Meeting]:
    return (
        Meeting.objects.involving(user)
        .select_related("match__program", "match__mentor__user", "match__trainee__user", "proposed_by")
        .order_by("start", "pk")
    )


def meeting_for(*, user: User, pk: int) -> Meeting:
    return meetings_for(user=user).get(pk=pk)


def with_follow_up(meetings: QuerySet[Meeting], *, user: User) -> QuerySet[Meeting]:
    """Each meeting with `my_feedback` (whether `user` has given theirs) and `logged` (whether it has a session
    log), in the same query: what the lists show against a meeting that has ended."""
    return meetings.annotate(
        my_feedback=Exists(Feedback.objects.filter(meeting=OuterRef("pk"), author=user)),
        logged=Exists(SessionLog.objects.filter(meeting=OuterRef("pk"))),
    )


def meetings_split(*, user: User, now: datetime | None = None) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past): upcoming soonest first, past most recent first; cancelled ones are past once due."""
    now = now or timezone.now()
    upcoming: list[Meeting] = []
    past: list[Meeting] = []
    for meeting in with_follow_up(meetings_for(user=user), user=user):
        (upcoming if meeting.is_upcoming(now) else past).append(meeting)
    past.reverse()
    return upcoming, past


#: What `FollowUp.log` (or None) and `FollowUp.feedback` can say; the API documents them as this enum.
FOLLOW_UP_STATES = ("done", "due")
FollowUpState = Literal["done", "due"]


@dataclass(frozen=True)
class FollowUp:
    """What is done and what is still due after one ended meeting, for one of its two people.

    `log`: "done" (the session is logged), "due" (I am its mentor and can log it), or None (nothing to show me).
    `feedback`: "done" (I gave mine) or "due".
    """

    log: FollowUpState | None
    feedback: FollowUpState


def follow_up(meeting: Meeting, *, user: User, now: datetime | None = None) -> FollowUp | None:
    """The follow-up of a meeting from `with_follow_up`, for `user`; None until an accepted meeting has ended (a
    cancelled or never accepted one did not take place, so nothing follows it)."""
    if not meeting.has_ended(now):
        return None
    logged: bool = meeting.logged  # type: ignore[attr-defined]
    can_log = role_in(meeting.match, user) == "mentor" and meeting.match.status in Match.BEGUN
    return FollowUp(
        log="done" if logged else "due" if can_log else None,
        feedback="done" if meeting.my_feedback else "due",  # type: ignore[attr-defined]
    )


@dataclass
class ToDo:
    """What waits on one person in their own matches (the home page), each list soonest first."""

    next_meeting: Meeting | None
    to_answer: list[Meeting]  # proposals by the other person that can still be answered: not begun yet
    feedback_due: list[Meeting]  # accepted meetings that ended lately, without my feedback
    logs_due: list[Meeting]  # as the mentor: accepted meetings that ended lately, without a session log
    first_meeting_due: list[Match]  # approved matches with no agreed meeting, held or booked, nor a proposal ahead

    def __bool__(self) -> bool:
        return bool(self.next_meeting or self.to_answer or self.feedback_due or self.logs_due or self.first_meeting_due)


def to_do_for(*, user: User, now: datetime | None = None) -> ToDo:
    """Two queries: the user's recent and coming meetings, and their approved matches without one.

    Meetings to attend or answer come from approved matches only (an ended match's meetings can no longer be
    accepted); logs and feedback are still due after a match ends, as their forms allow.
    """
    now = now or timezone.now()
    recent = with_follow_up(
        meetings_for(user=user).filter(
            status__in=Meeting.LIVE, start__gte=now - FOLLOW_UP_WITHIN - timedelta(minutes=MAX_DURATION_MINUTES)
        ),
        user=user,
    )
    upcoming = [m for m in recent if m.is_upcoming(now) and m.match.status == Match.Status.APPROVED]
    ended = [(m, f) for m in recent if m.end >= now - FOLLOW_UP_WITHIN and (f := follow_up(m, user=user, now=now))]
    # "Propose one" is for matches with nothing under way: with a proposal ahead, the other person has it to
    # answer and the proposer waits (coordinators still count it as no meeting until it is accepted).
    under_way = Meeting.objects.filter(match=OuterRef("pk"), status=Meeting.Status.PROPOSED, start__gt=now)
    no_meeting = (
        matches_for(user=user)
        .filter(status=Match.Status.APPROVED)
        .exclude(Exists(Meeting.objects.agreed().filter(match=OuterRef("pk"))))
        .exclude(Exists(under_way))
        .order_by("decided_at", "pk")
    )
    return ToDo(
        next_meeting=next((m for m in upcoming if m.status == Meeting.Status.ACCEPTED), None),
        # Only while it can still be accepted or moved (the services refuse once it has begun, as lapsed() says),
        # not until its would-be end: a proposal whose time has come is no longer waiting for an answer.
        to_answer=[
            m
            for m in upcoming
            if m.status == Meeting.Status.PROPOSED and m.proposed_by_id != user.pk and not m.lapsed(now)
        ],
        feedback_due=[m for m, f in ended if f.feedback == "due"],
        logs_due=[m for m, f in ended if f.log == "due"],
        first_meeting_due=list(no_meeting),
    )


def session_logs_for(*, user: User) -> QuerySet[SessionLog]:
    """Logs of the user's matches. Callers show `notes_private` only when `user` is the author."""
    return (
        SessionLog.objects.filter(Q(match__mentor__user=user) | Q(match__trainee__user=user))
        .select_related("match__mentor__user", "match__trainee__user", "meeting")
        .prefetch_related("topics", "goal_updates__goal")
    )


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


def feedback_visible(*, meeting: Meeting, user: User, now: datetime | None = None) -> list[Feedback]:
    """My own answer always; the other side's once both have answered or a week after the meeting ended."""
    if user.pk not in (meeting.match.mentor.user_id, meeting.match.trainee.user_id):
        return []
    answers = list(meeting.feedback.all())
    both = len({f.author_id for f in answers}) >= 2
    revealed = both or (now or timezone.now()) >= meeting.end + FEEDBACK_REVEAL_AFTER
    return [f for f in answers if f.author_id == user.pk or revealed]


def feedback_mine(*, user: User) -> QuerySet[Feedback]:
    return Feedback.objects.filter(author=user).select_related("meeting")


@dataclass(frozen=True)
class FeedbackSummary:
    role: str
    answers: int
    average_rating: float | None
    useful_pct: int | None
    not_a_good_fit: int


def feedback_summary(*, program: Program | None = None) -> list[FeedbackSummary]:
    """Coordinators' aggregate view, with the program health page's figures: no single answer or author is shown,
    nor averages of fewer than `MIN_ANSWERS_FOR_AVERAGES` answers (one answer would show that person's rating)."""
    return [
        FeedbackSummary(
            role=role,
            answers=totals["count"],
            average_rating=totals["rating"],
            useful_pct=totals["useful_pct"],
            not_a_good_fit=totals["not_a_good_fit"],
        )
        for role, totals in feedback_totals(program).items()
    ]


def checkins_summary(*, program: Program | None = None) -> dict[str, Any]:
    """How many check-ins were answered, and their average "going well" (1–5); the average is None under
    `MIN_ANSWERS_FOR_AVERAGES` answers, as for feedback: one answer's average is that person's answer."""
    rows = CheckIn.objects.all()
    if program is not None:
        rows = rows.filter(match__program=program)
    totals = rows.aggregate(answers=Count("pk"), average=Avg("going_well"))
    if totals["answers"] < MIN_ANSWERS_FOR_AVERAGES:
        totals["average"] = None
    return totals
