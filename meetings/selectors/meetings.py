"""Meetings as their two people see them: lists, follow-ups and what waits on each person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db.models import BooleanField, Case, Exists, OuterRef, QuerySet, Value, When
from django.utils import timezone

from matching.models import Match
from meetings.models import MAX_DURATION_MINUTES, Feedback, Meeting, SessionLog
from meetings.people import Role, other_side, role_in
from meetings.selectors.feedback import feedback_visible
from meetings.selectors.matches import matches_for
from profiles.models import MentorProfile, TraineeProfile, User

#: The home page asks for feedback and session logs on meetings that ended this recently; older ones stay on
#: each meeting's page (a prompt months later helps no one, and the list would only grow).
FOLLOW_UP_WITHIN = timedelta(days=30)


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


def is_first_meeting(meeting: Meeting) -> bool:
    """The earliest accepted meeting of the match: the one after which both are asked “is this a good fit?”."""
    first = (
        Meeting.objects.agreed()
        .filter(match_id=meeting.match_id)
        .order_by("start", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return first == meeting.pk


@dataclass(frozen=True)
class MeetingPage:
    """What one of a meeting's two people sees and may do on its page."""

    role: Role | None
    other: MentorProfile | TraineeProfile
    can_accept: bool  # a proposal to me that can still be answered
    declining: bool  # a cancel from me is declining the other person's proposal
    can_propose: bool  # the match is under way, so a new time can be proposed
    feedback: list[Feedback]  # the answers I may read (`feedback_visible`)
    my_feedback: bool
    first_meeting: bool
    session_log: SessionLog | None


def meeting_page_for(*, user: User, meeting: Meeting) -> MeetingPage:
    """`meeting` is one of `user`'s (`meeting_for`)."""
    return MeetingPage(
        role=role_in(meeting.match, user),
        other=other_side(meeting.match, user),
        can_accept=meeting.is_proposal_to(user) and meeting.can_change(),
        declining=meeting.is_proposal_to(user),
        can_propose=meeting.match.status == Match.Status.APPROVED,
        feedback=feedback_visible(meeting=meeting, user=user),
        my_feedback=meeting.feedback.filter(author=user).exists(),
        first_meeting=is_first_meeting(meeting),
        session_log=getattr(meeting, "session_log", None),
    )


def matches_to_arrange_for(*, user: User) -> QuerySet[Match]:
    """The user's approved matches, oldest first, each with `can_log` (whether `user` is its mentor, who logs its
    sessions) and `can_propose` (a meeting can be proposed: always, the match being under way)."""
    return (
        matches_for(user=user)
        .filter(status=Match.Status.APPROVED)
        .order_by("created_at")
        .annotate(
            can_log=Case(When(mentor__user=user, then=Value(True)), default=Value(False), output_field=BooleanField()),
            can_propose=Value(True, output_field=BooleanField()),
        )
    )
