"""Meetings as their two people see them: lists, follow-ups and what waits on each person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from matching.models import Match
from matching.models.matches import BOTH_TAKE_PART
from meetings.models import MAX_DURATION_MINUTES, Feedback, Meeting, SessionLog
from meetings.people import Role, other_side, role_in
from meetings.selectors.feedback import feedback_visible
from meetings.selectors.matches import matches_for
from mentorship.paging import nearest_page
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


#: Past meetings per page of *My meetings*: a mentor of five years has thousands (2,812 took 728 ms and 1.3 MB).
PAST_PER_PAGE = 20


@dataclass(frozen=True)
class MeetingsSplit:
    upcoming: list[Meeting]  # soonest first, all of them (live ones not yet ended: a few per match at most)
    past: Page[Meeting]  # most recent first, one page: ended, cancelled, declined, and proposals never accepted


def meetings_split(*, user: User, past_page: object = 1, now: datetime | None = None) -> MeetingsSplit:
    """*My meetings*: every upcoming meeting, and one page of the past ones (a page number past either end gives
    the nearest page)."""
    now = now or timezone.now()
    # A live meeting is past once it has ended: surely when it began MAX_DURATION_MINUTES ago; in between it depends
    # on its duration, read for the few that began that recently.
    began_lately = Meeting.objects.involving(user).filter(
        status__in=Meeting.LIVE, start__gt=now - timedelta(minutes=MAX_DURATION_MINUTES), start__lte=now
    )
    ended = [m.pk for m in began_lately.only("start", "duration_minutes") if not m.is_upcoming(now)]
    is_past = (
        ~Q(status__in=Meeting.LIVE) | Q(start__lte=now - timedelta(minutes=MAX_DURATION_MINUTES)) | Q(pk__in=ended)
    )
    mine = with_follow_up(meetings_for(user=user), user=user)
    past = mine.filter(is_past).order_by("-start", "-pk")
    upcoming = list(mine.exclude(is_past))
    return MeetingsSplit(upcoming, nearest_page(Paginator(past, PAST_PER_PAGE), past_page))


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
        # With someone who left no meeting can be proposed (`other_person_left`): a coordinator ends the match.
        .filter(BOTH_TAKE_PART)
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
        can_propose=meeting.match.status == Match.Status.APPROVED and meeting.match.both_take_part(),
        feedback=feedback_visible(meeting=meeting, user=user),
        my_feedback=meeting.feedback.filter(author=user).exists(),
        first_meeting=is_first_meeting(meeting),
        session_log=getattr(meeting, "session_log", None),
    )


def matches_to_arrange_for(*, user: User) -> QuerySet[Match]:
    """The user's approved matches, oldest first, each with `can_log` (whether `user` is its mentor, who logs its
    sessions) and `can_propose` (a meeting can be proposed: unless one of the two has left, `other_person_left`)."""
    return (
        matches_for(user=user)
        .filter(status=Match.Status.APPROVED)
        .order_by("created_at")
        .annotate(
            can_log=Case(When(mentor__user=user, then=Value(True)), default=Value(False), output_field=BooleanField()),
            can_propose=Case(
                When(BOTH_TAKE_PART, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
