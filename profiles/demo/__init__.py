"""Demo and benchmark people, as functions the `seed_demo` command (and other apps' demo loaders) compose.

- `ensure_fixed_accounts()`: the coordinator, mentor and trainees whose logins the README lists.
- `ensure_demo_people()`: about 60 mentors and 200 trainees, believable and deterministic.
- `ensure_bench_people(mentors=N, trainees=M)`: large numbered sets for benchmarks, bulk-inserted.
Every function is idempotent: people are keyed by e-mail and an existing person is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from profiles.demo.bulk import Written, write_people
from profiles.demo.people import PersonSpec, mentor, name_emails, numbered_emails, trainee
from profiles.models import (
    COORDINATORS_GROUP,
    CareerStage,
    FocusArea,
    Language,
    MentorProfile,
    Specialty,
    TraineeProfile,
    User,
)
from profiles.services import goal_create, mentor_profile_save, trainee_profile_save

__all__ = [
    "BENCH_DOMAIN",
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "FIXED_EMAILS",
    "FixedAccounts",
    "Written",
    "add_assessment_conflicts",
    "ensure_bench_people",
    "ensure_demo_people",
    "ensure_fixed_accounts",
    "fixed_logins",
]

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published in the README on purpose
DEMO_DOMAIN = "demo.mentorship.test"
BENCH_DOMAIN = "bench.mentorship.test"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
MENTOR_EMAIL = f"mentor@{DEMO_DOMAIN}"
TRAINEE_EMAIL = f"trainee@{DEMO_DOMAIN}"
NEW_TRAINEE_EMAIL = f"new.trainee@{DEMO_DOMAIN}"
#: The logins the README lists: other apps' demo data leaves them as described there.
FIXED_EMAILS = (COORDINATOR_EMAIL, MENTOR_EMAIL, TRAINEE_EMAIL, NEW_TRAINEE_EMAIL)


@dataclass(frozen=True)
class FixedAccounts:
    coordinator: User
    mentor: User
    trainee: User  # already matched with the mentor: meetings, notes and feedback to show
    new_trainee: User  # no mentor yet: the one who finds and requests a mentor


def fixed_logins() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) of the four demo logins."""
    return [
        ("coordinator", COORDINATOR_EMAIL, DEMO_PASSWORD),
        ("mentor", MENTOR_EMAIL, DEMO_PASSWORD),
        ("trainee", TRAINEE_EMAIL, DEMO_PASSWORD),
        ("new trainee", NEW_TRAINEE_EMAIL, DEMO_PASSWORD),
    ]


def _account(email: str, full_name: str, *, is_staff: bool = False) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    account = User.objects.create_user(
        email=email,
        password=DEMO_PASSWORD,
        full_name=full_name,
        is_staff=is_staff,
        email_confirmed_at=timezone.now(),  # the demo's own addresses: nobody could open a link sent to them
    )
    return account, True


def _ids(model: type[Specialty] | type[Language] | type[FocusArea], field: str, values: list[object]) -> list[object]:
    return list(model.objects.filter(**{f"{field}__in": values}))


@transaction.atomic
def ensure_fixed_accounts() -> FixedAccounts:
    """The four logins, built through the same services as the pages (they are few)."""
    coordinator, _ = _account(COORDINATOR_EMAIL, "Jordan Ellis", is_staff=True)
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])

    mentor_user, created = _account(MENTOR_EMAIL, "Elena Ruiz")
    if created or not hasattr(mentor_user, "mentor_profile"):
        mentor_profile_save(
            user=mentor_user,
            data={
                "career_stage": CareerStage.MID_CAREER,
                "institution": "Hudson Valley University Hospital",
                "specialty": Specialty.objects.get(name="Cardiology"),
                "subspecialties": _ids(Specialty, "name", ["Clinical Cardiac Electrophysiology"]),
                "languages": _ids(Language, "code", ["en", "es"]),
                "focus_areas": _ids(FocusArea, "position", [0, 1, 3, 11]),
                "time_zone": "America/New_York",
                "meeting_formats": 3,  # in person and video
                "capacity": 3,
                "accepting_mentees": True,
                "bio": "Cardiologist and clerkship director at Hudson Valley. I was the first doctor in my family "
                "and enjoy helping students choose a specialty and plan their first research project.",
            },
        )

    trainee_user, created = _account(TRAINEE_EMAIL, "Sam Rivera")
    if created or not hasattr(trainee_user, "trainee_profile"):
        trainee_profile_save(
            user=trainee_user,
            data={
                "career_stage": CareerStage.CLINICAL_STUDENT,
                "institution": "Hudson Valley School of Medicine",
                "specialty_interests": _ids(Specialty, "name", ["Cardiology", "Internal Medicine"]),
                "languages": _ids(Language, "code", ["en", "es"]),
                "focus_areas": _ids(FocusArea, "position", [0, 1, 3]),
                "time_zone": "America/New_York",
                "meeting_formats": 3,
                "statement": "Third-year student who loved the cardiology clerkship. I want to know whether "
                "cardiology fits me and how to start research before applying to internal medicine.",
            },
        )
        today = timezone.localdate()
        for title, days, progress in (
            ("Choose my sub-internship by spring", 90, 30),
            ("Join a cardiology research project", 180, 0),
        ):
            goal_create(
                user=trainee_user,
                data={"title": title, "target_date": today + timedelta(days=days), "progress": progress,
                      "status": "in_progress" if progress else "not_started"},
            )  # fmt: skip
    new_trainee, created = _account(NEW_TRAINEE_EMAIL, "Amara Okafor")
    if created or not hasattr(new_trainee, "trainee_profile"):
        trainee_profile_save(
            user=new_trainee,
            data={
                "career_stage": CareerStage.INTERN,
                "institution": "Hudson Valley University Hospital",
                "specialty_interests": _ids(Specialty, "name", ["Cardiology", "Internal Medicine"]),
                "languages": _ids(Language, "code", ["en"]),
                "focus_areas": _ids(FocusArea, "position", [1, 3]),
                "time_zone": "America/New_York",
                "meeting_formats": 2,  # video
                "statement": "Internal medicine intern. I plan to apply for cardiology fellowship "
                "and would like help with my application and a first research project.",
            },
        )
    return FixedAccounts(coordinator=coordinator, mentor=mentor_user, trainee=trainee_user, new_trainee=new_trainee)


def demo_people(*, mentors: int = 60, trainees: int = 200) -> list[PersonSpec]:
    """The believable set. The first six mentors are anchors: good matches for the demo trainee."""
    people = [mentor("demo", i, anchor=i < 6) for i in range(mentors)] + [trainee("demo", i) for i in range(trainees)]
    name_emails(people, domain=DEMO_DOMAIN)
    return people


def ensure_demo_people(*, mentors: int = 60, trainees: int = 200) -> Written:
    written = write_people(demo_people(mentors=mentors, trainees=trainees), password=DEMO_PASSWORD, today=_today())
    add_assessment_conflicts(domain=DEMO_DOMAIN)
    return written


def ensure_bench_people(*, mentors: int, trainees: int) -> Written:
    """mentor-00001@bench… and trainee-00001@bench…: growing N adds people, re-running adds nobody."""
    mentor_set = [mentor("bench", i) for i in range(mentors)]
    numbered_emails(mentor_set, prefix="mentor", domain=BENCH_DOMAIN)
    trainee_set = [trainee("bench", i) for i in range(trainees)]
    numbered_emails(trainee_set, prefix="trainee", domain=BENCH_DOMAIN)
    # Benchmark people cannot log in: they exist to be counted and scored.
    return write_people(mentor_set + trainee_set, password=None, today=_today())


def add_assessment_conflicts(*, domain: str, limit: int = 8) -> int:
    """A few attendings who supervise residents at their own hospital: the pair must never be matched."""
    through = MentorProfile.assesses.through
    mentors = MentorProfile.objects.filter(
        user__email__endswith=f"@{domain}", career_stage__gte=CareerStage.EARLY_CAREER
    ).order_by("user__email")
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    for mentor_profile in mentors.iterator():
        supervised = mentor_profile.institution and (
            TraineeProfile.objects.filter(
                user__email__endswith=f"@{domain}",
                institution=mentor_profile.institution,
                career_stage__in=[CareerStage.INTERN, CareerStage.RESIDENT, CareerStage.FELLOW],
            )
            .exclude(pk__in=taken)
            .exclude(user_id=mentor_profile.user_id)
            .order_by("user__email")
            .values_list("pk", flat=True)
            .first()
        )
        if supervised:
            pairs.append((mentor_profile.pk, supervised))
            taken.add(supervised)
        if len(pairs) >= limit:
            break
    rows = [through(mentorprofile_id=m, traineeprofile_id=t) for m, t in pairs]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(pairs)


def _today() -> date:
    return timezone.localdate()
