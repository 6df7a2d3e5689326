"""Program health: what a coordinator checks each week (statuses, trainees still without a mentor, late first
meetings, at-risk matches, who carries the load, sessions per month, feedback)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from matching.coordination.meeting_activity import meeting_activity
from matching.models import Match, MatchQuerySet, Program
from matching.selectors_coordination import program_people_seen
from profiles.models import MentorProfile, TraineeProfile, User

#: Rows shown per list on the page; the headings give the full counts.
SHOWN = 100
#: Mentors charted and listed under "Mentor load": those carrying the most (every flagged one, however many). A
#: program of thousands of mentors charted them all, some 130,000 pixels of page; the CSV lists every mentor.
LOADS_SHOWN = 30


@dataclass
class MentorLoad:
    mentor_id: int
    name: str
    load: int
    capacity: int
    email: str
    flagged: bool = False


@dataclass
class WaitingTrainee:
    """A trainee of the program with no approved mentor in it, and what is under way for them, if anything."""

    trainee: TraineeProfile
    pending: list[Match]  # their requests and round proposals in this program, awaiting a decision


@dataclass
class ProgramHealth:
    program: Program
    by_status: list[tuple[str, int]]
    without_mentor_count: int
    without_mentor: list[WaitingTrainee]
    no_first_meeting: list[Match]
    at_risk: list[Match]
    loads: list[MentorLoad]
    load_mean: float
    load_threshold: float
    sessions_per_month: list[tuple[str, int]] = field(default_factory=list)
    feedback: dict[str, Any] = field(default_factory=dict)
    has_meetings: bool = False  # the meetings app registered its reads: sessions and feedback have a section
    someone_left: list[Match] = field(default_factory=list)  # approved, but one of the two is deactivated
    # The full counts of the three lists above, each cut to its first SHOWN rows: the headings say these, as the home
    # panel and the admin index count every at-risk match.
    no_first_meeting_count: int = 0
    at_risk_count: int = 0
    someone_left_count: int = 0

    @property
    def loads_shown(self) -> list[MentorLoad]:
        """The mentors carrying the most: `loads` is ordered by load, so the flagged ones come first."""
        return self.loads[: max(LOADS_SHOWN, sum(m.flagged for m in self.loads))]

    @property
    def load_summary(self) -> dict[str, int]:
        """How many mentors are full, have mentees and free places, or have no mentees (they add up to all)."""
        return {
            "mentors": len(self.loads),
            "full": sum(1 for m in self.loads if m.load and m.load >= m.capacity),
            "with_room": sum(1 for m in self.loads if 0 < m.load < m.capacity),
            "without_mentees": sum(1 for m in self.loads if not m.load),
            "flagged": sum(m.flagged for m in self.loads),
        }

    def chart_data(self) -> dict[str, Any]:
        """What static/js/charts.js draws (passed with json_script: data, never executed)."""
        return {
            "load": [
                {"label": m.name, "value": m.load, "capacity": m.capacity, "flagged": m.flagged}
                for m in self.loads_shown
            ],
            "sessions": [{"label": month, "value": count} for month, count in self.sessions_per_month],
        }


def _flag_threshold(loads: list[int]) -> tuple[float, float]:
    """A mentor is flagged when their load is far above the program's: above mean + 2·sd, or at least twice
    the mean (small programs have a small sd), and always at least 2 mentees."""
    if not loads:
        return 0.0, 0.0
    mean = statistics.fmean(loads)
    sd = statistics.pstdev(loads) if len(loads) > 1 else 0.0
    return mean, max(min(mean + 2 * sd, 2 * mean), 2.0)


def mentor_loads(program: Program) -> tuple[list[MentorLoad], float, float]:
    """Mentees per mentor (approved matches, all programs: capacity is one budget) for the program's mentors as its
    coordinator sees them (`program_people_seen`: enrolled, or with a match in it when it is open to all), and anyone
    else with a live match in it (a mentor who left or was removed since)."""
    _, members = program_people_seen(program)
    with_live_match = Match.objects.filter(program=program, status__in=Match.LIVE).values("mentor_id")
    mentors = list(
        MentorProfile.objects.filter(Q(pk__in=members.values("pk")) | Q(pk__in=with_live_match))
        .annotate(load=Count("matches", filter=Q(matches__status=Match.Status.APPROVED)))
        .select_related("user")
        .order_by("-load", "user__full_name")
    )
    # Two "Claire Thompson"s must not read as one: a name shared in the list gets the e-mail beside it.
    names = Counter(str(m) for m in mentors)
    loads = [
        MentorLoad(m.pk, str(m) if names[str(m)] == 1 else f"{m} ({m.user.email})", m.load, m.capacity, m.user.email)
        for m in mentors
    ]
    mean, threshold = _flag_threshold([m.load for m in loads])
    for entry in loads:
        entry.flagged = entry.load >= 2 and entry.load > threshold - 1e-9 and entry.load > mean
    return loads, mean, threshold


def trainees_waiting(program: Program) -> QuerySet[TraineeProfile]:
    """The program's trainees as its coordinator sees them (`program_people_seen`) with no approved mentor in it, by
    name."""
    trainees, _ = program_people_seen(program)
    approved = Match.objects.active().filter(program=program, trainee=OuterRef("pk"))
    return trainees.exclude(Exists(approved)).select_related("user").order_by("user__full_name", "pk")


def with_pending(program: Program, trainees: list[TraineeProfile]) -> list[WaitingTrainee]:
    """Each trainee with their requests and proposals in the program that wait for a decision (one query)."""
    pending: dict[int, list[Match]] = {t.pk: [] for t in trainees}
    undecided = (
        Match.objects.filter(program=program, trainee__in=trainees, status__in=Match.UNDECIDED)
        .select_related("mentor__user")
        # What the page and the CSV say of each: its status and mentor. A round's proposal carries its score
        # breakdown (JSON): reading 9,000 of them was a second of the 20,000-trainee CSV.
        .only("pk", "trainee_id", "status", "created_at", "mentor__user__full_name", "mentor__user__email")
        .order_by("created_at", "pk")
    )
    for match in undecided:
        pending[match.trainee_id].append(match)
    return [WaitingTrainee(t, pending[t.pk]) for t in trainees]


def _approved(program: Program) -> MatchQuerySet:
    return Match.objects.filter(program=program, status=Match.Status.APPROVED).select_related(
        "trainee__user", "mentor__user"
    )


def program_health(*, program: Program, reader: User | None = None, now: Any = None) -> ProgramHealth:
    """The program's health as `reader` may read it: a coordinator who is a match's mentor or trainee does not see
    its at-risk flag (nor its reason, which can be the other person's answer)."""
    now = now or timezone.now()
    by_status = dict(
        Match.objects.filter(program=program).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    statuses = [(label, by_status.get(value, 0)) for value, label in Match.Status.choices]
    loads, mean, threshold = mentor_loads(program)
    waiting = trainees_waiting(program)
    late_cutoff = now - timedelta(days=program.first_meeting_days)
    late = _approved(program).filter(decided_at__lt=late_cutoff)
    meetings = meeting_activity()
    if meetings is not None:
        # The meetings app says what counts as a first meeting (it registers it: matching may not import it).
        late = late.exclude(meetings.agreed_meeting())
    at_risk = _approved(program).filter(at_risk_since__isnull=False).order_by("at_risk_since")
    if reader is not None:
        at_risk = at_risk.not_involving(reader)
    someone_left = _approved(program).someone_left().order_by("decided_at")
    health = ProgramHealth(
        program=program,
        by_status=statuses,
        without_mentor_count=waiting.count(),
        without_mentor=with_pending(program, list(waiting[:SHOWN])),
        no_first_meeting=list(late.order_by("decided_at")[:SHOWN]),
        no_first_meeting_count=late.count(),
        at_risk=list(at_risk[:SHOWN]),
        at_risk_count=at_risk.count(),
        someone_left=list(someone_left[:SHOWN]),
        someone_left_count=someone_left.count(),
        loads=loads,
        load_mean=round(mean, 2),
        load_threshold=round(threshold, 2),
    )
    if meetings is not None:
        health.has_meetings = True
        health.sessions_per_month = meetings.sessions_per_month(program)
        health.feedback = meetings.feedback_totals(program, now)
    return health
