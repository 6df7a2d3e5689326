"""Demo history for `seed_demo`: approved matches with past meetings, session logs and two-sided feedback, plus
one upcoming meeting with its reminders. Idempotent: the same pairs are chosen every time, and a match that
already has meetings is left as it is.

The lead calls `ensure_demo_meetings(program=..., coordinator=...)` after the demo people exist. Past meetings are
written directly (the services refuse times in the past, rightly); the upcoming one goes through the services'
reminder writer so its outbox rows are the real ones.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from matching.models import Match, Program
from matching.services.transitions import match_created
from meetings.models import Feedback, Meeting, SessionLog
from meetings.services.reminders import meeting_followups_write
from profiles.demo import FIXED_EMAILS
from profiles.models import FocusArea, Goal, MentorProfile, TraineeProfile, User
from profiles.services import goal_progress_record

DEMO_DOMAIN = "demo.mentorship.test"
EXTRA_PAIRS = 3

SESSIONS = [
    (
        "Choosing between cardiology and general internal medicine; what a typical week looks like in each.",
        "List three questions for the cardiology fellows at next week's journal club.",
        4,
        "Clear and practical.",
    ),
    (
        "Reviewed the draft research question on atrial fibrillation readmissions; narrowed the cohort.",
        "Send the one-page proposal by Friday; book time with the statistician.",
        5,
        "The feedback on my proposal was specific.",
    ),
]


@dataclass
class DemoMeetings:
    matches: int = 0
    meetings: int = 0
    session_logs: int = 0
    feedback: int = 0


def _approved_match(
    program: Program, mentor: MentorProfile, trainee: TraineeProfile, coordinator: User
) -> Match | None:
    existing = Match.objects.filter(program=program, trainee=trainee, status=Match.Status.APPROVED).first()
    if existing is not None:
        return existing if existing.mentor_id == mentor.pk else None
    if Match.objects.live().filter(mentor=mentor, trainee=trainee).exists() or mentor.free_places() == 0:
        return None
    decided = timezone.now() - timedelta(days=60)
    match = Match.objects.create(
        program=program,
        mentor=mentor,
        trainee=trainee,
        status=Match.Status.APPROVED,
        origin=Match.Origin.REQUEST,
        decided_by=coordinator,
        decided_at=decided,
        created_at=decided - timedelta(days=3),
        message="I would like help choosing a specialty and starting research.",
    )
    match_created(match=match, by=coordinator, reason="Demo data")
    return match


def _mentor_local(zone_name: str, *, days: int, at: time) -> datetime:
    """A civil time in the mentor's zone (a lunch-hour call, an after-clinic chat), `days` from today there."""
    zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    return datetime.combine(timezone.now().astimezone(zone).date() + timedelta(days=days), at, tzinfo=zone)


def _history(match: Match, result: DemoMeetings) -> None:
    mentor, trainee = match.mentor.user, match.trainee.user
    topics = list(FocusArea.objects.order_by("position")[:3])
    goal = Goal.objects.filter(trainee=match.trainee).first()
    zone = match.mentor.time_zone
    for index, (shared, next_steps, rating, went_well) in enumerate(SESSIONS):
        start = _mentor_local(zone, days=-(45 - 30 * index), at=time(17, 0))
        meeting = Meeting.objects.create(
            match=match,
            proposed_by=mentor if index == 0 else trainee,
            start=start,
            duration_minutes=45,
            format=Meeting.Format.VIDEO,
            video_link="https://video.example.org/demo-room",
            status=Meeting.Status.ACCEPTED,
            agenda="Demo meeting",
        )
        log = SessionLog.objects.create(
            match=match,
            meeting=meeting,
            author=mentor,
            date=start.date(),
            duration_minutes=45,
            notes_shared=shared,
            next_steps=next_steps,
            notes_private="Keep an eye on workload during the clerkship.",
        )
        log.topics.set(topics[index : index + 2])
        if goal is not None:
            log.goal_updates.create(goal=goal, progress=30 + 30 * index, note="Steady progress")
            goal = goal_progress_record(goal=goal, progress=30 + 30 * index)  # as a real log moves the goal
        first = index == 0
        Feedback.objects.create(
            meeting=meeting,
            author=mentor,
            role=Feedback.Role.MENTOR,
            rating=5,
            useful=True,
            went_well="Came prepared with questions.",
            good_fit=True if first else None,
        )
        Feedback.objects.create(
            meeting=meeting,
            author=trainee,
            role=Feedback.Role.TRAINEE,
            rating=rating,
            useful=True,
            went_well=went_well,
            to_change="A little more time for questions.",
            good_fit=True if first else None,
        )
        result.meetings += 1
        result.session_logs += 1
        result.feedback += 2
    upcoming = Meeting.objects.create(
        match=match,
        proposed_by=trainee,
        start=_mentor_local(zone, days=3, at=time(12, 30)),
        duration_minutes=30,
        format=Meeting.Format.VIDEO,
        video_link="https://video.example.org/demo-room",
        status=Meeting.Status.ACCEPTED,
        agenda="Go through the proposal draft.",
    )
    meeting_followups_write(meeting=upcoming)
    result.meetings += 1


@transaction.atomic
def ensure_demo_meetings(*, program: Program, coordinator: User) -> DemoMeetings:
    result = DemoMeetings()
    pairs: list[tuple[MentorProfile, TraineeProfile]] = []
    fixed_mentor = MentorProfile.objects.filter(user__email=f"mentor@{DEMO_DOMAIN}").first()
    fixed_trainee = TraineeProfile.objects.filter(user__email=f"trainee@{DEMO_DOMAIN}").first()
    if fixed_mentor and fixed_trainee:
        pairs.append((fixed_mentor, fixed_trainee))
    mentors = (
        MentorProfile.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(user__email__in=FIXED_EMAILS)
        .order_by("pk")[:EXTRA_PAIRS]
    )
    trainees = (
        TraineeProfile.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(user__email__in=FIXED_EMAILS)  # the new demo trainee stays without a mentor
        .order_by("pk")[:EXTRA_PAIRS]
    )
    pairs.extend(zip(mentors, trainees, strict=False))
    for mentor, trainee in pairs:
        match = _approved_match(program, mentor, trainee, coordinator)
        if match is None or match.meetings.exists():
            continue
        result.matches += 1
        _history(match, result)
    return result
