"""Meetings, session logs, feedback and outbox rows (the meetings and notifications tests)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from matching.models import Match
from meetings.models import Feedback, Meeting, SessionLog
from notifications.models import Notification
from tests.factories.matching import MatchFactory
from tests.factories.profiles import UserFactory

__all__ = [
    "FeedbackFactory",
    "MeetingFactory",
    "NotificationFactory",
    "SessionLogFactory",
    "approved_match",
    "mentors_today",
    "video_meeting_proposed",
]


def approved_match(mentor: Any = None, trainee: Any = None, **kwargs: Any) -> Match:
    """An approved match (decided a day ago); `mentor`/`trainee` are profiles (fixtures) when given."""
    extra: dict[str, Any] = {}
    if mentor is not None:
        extra["mentor"] = mentor
    if trainee is not None:
        extra["trainee"] = trainee
    decided = kwargs.pop("decided_at", timezone.now() - timedelta(days=1))
    return MatchFactory(status=Match.Status.APPROVED, decided_at=decided, created_at=decided, **extra, **kwargs)


def mentors_today(match: Match) -> date:
    """Today on the mentor's own calendar, which is what a session log's date is checked against. Not the server's
    `timezone.localdate()`: from 00:00 to 05:00 UTC that is already tomorrow for the New York test mentor, and a log
    dated with it is refused as "in the future"."""
    return timezone.localdate(timezone=ZoneInfo(match.mentor.time_zone))


def video_meeting_proposed(
    mentor: Any, trainee: Any, *, by: Any, start: datetime, match: Match | None = None, duration_minutes: int = 30
) -> Meeting:
    """A video meeting at `start`, proposed through the service by `by` (a user) in `match`, or in the pair's new
    approved match: with the outbox rows a real proposal writes, which MeetingFactory does not."""
    from meetings import services

    return services.meeting_propose(
        match=match or approved_match(mentor=mentor, trainee=trainee),
        by=by,
        start=start,
        duration_minutes=duration_minutes,
        format="video",
        video_link="https://video.example.org/room/7",
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    match = factory.LazyFunction(approved_match)
    proposed_by = factory.LazyAttribute(lambda o: o.match.mentor.user)
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    duration_minutes = 45
    format = Meeting.Format.VIDEO
    video_link = "https://video.example.org/room/42"
    status = Meeting.Status.ACCEPTED


class SessionLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionLog

    match = factory.LazyFunction(approved_match)
    author = factory.LazyAttribute(lambda o: o.match.mentor.user)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    duration_minutes = 45
    notes_shared = "We talked about research electives."
    notes_private = "Seems anxious about boards."
    next_steps = "Draft the abstract."


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.LazyAttribute(lambda o: o.meeting.match.mentor.user)
    role = Feedback.Role.MENTOR
    rating = 4
    useful = True


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "match_approved_test"
    due_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    dedup_key = factory.Sequence(lambda n: f"test:{n}")
