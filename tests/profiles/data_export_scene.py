"""A mentorship with something of everything in it, for the data export tests (the page's and the API's).

Program A, run by the coordinator: the trainee ↔ the mentor, approved by the coordinator, with a meeting that has
ended, a session log (shared and private notes, progress on the trainee's goal), feedback from both, check-in
answers from both, an at-risk flag and a cleared one in the history, a message in the trainee's inbox, a starred
mentor. Every text is unique, so a test can tell whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from matching.models import Match, MatchTransition
from meetings.models import CheckIn, Meeting, SessionGoal, SessionLog
from tests.factories import (
    FeedbackFactory,
    GoalFactory,
    MatchFactory,
    MeetingFactory,
    NotificationFactory,
    ProgramFactory,
    SessionLogFactory,
    ShortlistEntryFactory,
)

MENTORS_PRIVATE_NOTE = "Seems anxious about the boards (mentor's private note)"
AT_RISK_REASON = "The trainee said it is not a good fit (at-risk reason)"
CLEARED_RISK_REASON = "No meeting within 21 days (an older at-risk reason)"
DECLINE_REASON = "Dr Patel is on sabbatical this term (decline reason)"


@dataclass
class Scene:
    match: Match
    meeting: Meeting
    log: SessionLog
    goal: Any


def build_scene(*, trainee: Any, mentor: Any, coordinator: Any, size: int = 1) -> Scene:
    """`size` meetings (each logged, with feedback from both and progress on a goal of its own), check-ins and
    messages (`add_sessions`)."""
    program: Any = ProgramFactory(name="Program A", coordinators=[coordinator])
    program.trainees.add(trainee)
    program.mentors.add(mentor)
    decided = timezone.now() - timedelta(days=60)
    match = MatchFactory(
        program=program,
        mentor=mentor,
        trainee=trainee,
        status=Match.Status.APPROVED,
        origin=Match.Origin.REQUEST,
        message="I would like help publishing my first case report.",
        created_at=decided - timedelta(days=2),
        decided_at=decided,
        decided_by=coordinator,
        at_risk_since=timezone.now() - timedelta(days=1),
        at_risk_reason=AT_RISK_REASON,
    )
    MatchTransition.objects.create(match=match, from_status="", to_status="requested", by=trainee.user, at=decided)
    MatchTransition.objects.create(
        match=match, from_status="requested", to_status="approved", by=coordinator, at=decided, reason="Good fit"
    )
    MatchTransition.objects.create(
        match=match,
        from_status="approved",
        to_status="approved",
        by=coordinator,
        at=decided + timedelta(days=30),
        reason=f'At-risk flag cleared (flagged: "{CLEARED_RISK_REASON}"). They met.',
    )
    ShortlistEntryFactory(trainee=trainee, mentor=mentor, rank=1)
    first = add_sessions(match, count=size)
    return Scene(match=match, meeting=first.meeting, log=first.log, goal=first.goal)


def add_sessions(match: Match, *, count: int, first_index: int = 0) -> Scene:
    """`count` more meetings of the match, each logged, answered by both and checked in on, and messages about them
    to both; the first of them."""
    trainee, mentor = match.trainee, match.mentor
    scene: Scene | None = None
    for index in range(first_index, first_index + count):
        goal = GoalFactory(trainee=trainee, title=f"Publish case report {index}")
        meeting = MeetingFactory(
            match=match, start=timezone.now() - timedelta(days=3 + index), agenda=f"Agenda {index}"
        )
        log = SessionLogFactory(
            match=match,
            meeting=meeting,
            date=meeting.start.date(),
            notes_shared=f"Shared note {index}",
            notes_private=f"{MENTORS_PRIVATE_NOTE} {index}",
        )
        SessionGoal.objects.create(session=log, goal=goal, progress=40, note=f"Outline drafted {index}")
        FeedbackFactory(meeting=meeting, author=mentor.user, role="mentor", went_well=f"Mentor's answer {index}")
        FeedbackFactory(meeting=meeting, author=trainee.user, role="trainee", went_well=f"Trainee's answer {index}")
        CheckIn.objects.create(
            match=match, respondent=trainee.user, period=index, going_well=4, comment=f"Fine {index}"
        )
        CheckIn.objects.create(match=match, respondent=mentor.user, period=index, going_well=2, comment=f"Hm {index}")
        NotificationFactory(recipient=trainee.user, kind="match_approved", object_type="match", object_id=match.pk)
        NotificationFactory(
            recipient=trainee.user, kind="meeting_reminder", object_type="meeting", object_id=meeting.pk
        )
        NotificationFactory(
            recipient=mentor.user, kind="session_log_prompt", object_type="meeting", object_id=meeting.pk
        )
        scene = scene or Scene(match=match, meeting=meeting, log=log, goal=goal)
    assert scene is not None
    return scene
