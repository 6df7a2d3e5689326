"""Write demo people fast: bulk inserts for users, profiles, many-to-many rows and goals.

Skips every e-mail that already exists, so re-running writes nothing and a larger run adds only the new people.
Demo data bypasses the profile services (and so every model signal) on purpose, for thousands of rows a second;
whatever caches profile-derived data must be refreshed once after a load (seed_demo does it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from profiles.demo.people import PersonSpec, ProfileSpec
from profiles.models import FocusArea, Goal, Language, MentorProfile, Specialty, TraineeProfile, User

BATCH = 2000


@dataclass
class Written:
    users: int = 0
    mentors: int = 0
    trainees: int = 0
    goals: int = 0

    def __add__(self, other: Written) -> Written:
        return Written(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int]:
        return (self.users, self.mentors, self.trainees, self.goals)


class _Ids:
    """Names and codes in the specs → primary keys, read once."""

    def __init__(self) -> None:
        self.specialty = dict(Specialty.objects.values_list("name", "id"))
        self.language = dict(Language.objects.values_list("code", "id"))
        self.focus = dict(FocusArea.objects.values_list("position", "id"))

    def specialties(self, names: Iterable[str]) -> list[int]:
        return [self.specialty[n] for n in names if n in self.specialty]

    def languages(self, codes: Iterable[str]) -> list[int]:
        return [self.language[c] for c in codes if c in self.language]

    def focus_areas(self, positions: Iterable[int]) -> list[int]:
        return [self.focus[p] for p in positions if p in self.focus]


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ids_by_email(emails: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(emails):
        found.update(User.objects.filter(email__in=chunk).values_list("email", "id"))
    return found


@transaction.atomic
def write_people(people: Sequence[PersonSpec], *, password: str | None, today: date) -> Written:
    """Insert the people whose e-mail is new; all share one password (None: none can log in)."""
    existing = _ids_by_email([p.email for p in people])
    new = [p for p in people if p.email not in existing]
    if not new:
        return Written()
    # One hash for everyone: hashing thousands of passwords would take minutes, and these are demo accounts.
    password_hash = make_password(password)
    confirmed = timezone.now()  # generated people's addresses are ours (demo and benchmark domains)
    User.objects.bulk_create(
        [User(email=p.email, full_name=p.full_name, password=password_hash, email_confirmed_at=confirmed) for p in new],
        batch_size=BATCH,
    )
    user_ids = _ids_by_email([p.email for p in new])
    ids = _Ids()
    mentors = [(user_ids[p.email], p.mentor) for p in new if p.mentor]
    trainees = [(user_ids[p.email], p.trainee) for p in new if p.trainee]
    goals = _write_trainees(trainees, ids, today)
    _write_mentors(mentors, ids)
    return Written(users=len(new), mentors=len(mentors), trainees=len(trainees), goals=goals)


def _profile_fields(spec: ProfileSpec) -> dict[str, Any]:
    return {
        "career_stage": spec.career_stage,
        "institution": spec.institution,
        "time_zone": spec.time_zone,
        "meeting_formats": spec.meeting_formats,
    }


def _profile_ids(model: type[MentorProfile] | type[TraineeProfile], user_ids: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(user_ids):
        found.update(model.objects.filter(user_id__in=chunk).values_list("user_id", "id"))
    return found


def _link(through: Any, owner: str, other: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Insert many-to-many rows without building a model instance per row (the slow part of bulk_create)."""
    rows = list(pairs)
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(through._meta.db_table)
    columns = ", ".join(quote(through._meta.get_field(name).column) for name in (owner, other))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for the whole set: two arrays unnested into rows.
            firsts, seconds = zip(*rows, strict=True)
            sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest(%s::bigint[], %s::bigint[])"  # noqa: S608 - names from model meta, quoted
            cursor.execute(sql, [list(firsts), list(seconds)])
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s)"  # noqa: S608 - names from model meta, quoted
            for chunk in _chunks(rows, BATCH * 5):
                cursor.executemany(sql, chunk)


def _write_mentors(mentors: Sequence[tuple[int, ProfileSpec]], ids: _Ids) -> None:
    objs = []
    for user_id, spec in mentors:
        main = ids.specialty[spec.specialties[0]]
        objs.append(
            MentorProfile(
                user_id=user_id,
                specialty_id=main,
                capacity=spec.capacity,
                accepting_mentees=spec.accepting_mentees,
                bio=spec.text,
                **_profile_fields(spec),
            )
        )
    MentorProfile.objects.bulk_create(objs, batch_size=BATCH)
    pk = _profile_ids(MentorProfile, [user_id for user_id, _ in mentors])
    m2m = MentorProfile.languages.through, MentorProfile.focus_areas.through, MentorProfile.subspecialties.through
    _link(m2m[0], "mentorprofile", "language", ((pk[u], x) for u, s in mentors for x in ids.languages(s.languages)))
    focus = ((pk[u], x) for u, s in mentors for x in ids.focus_areas(s.focus_positions))
    _link(m2m[1], "mentorprofile", "focusarea", focus)
    subs = ((pk[u], x) for u, s in mentors for x in ids.specialties(s.specialties[1:]))
    _link(m2m[2], "mentorprofile", "specialty", subs)


def _write_trainees(trainees: Sequence[tuple[int, ProfileSpec]], ids: _Ids, today: date) -> int:
    objs = [TraineeProfile(user_id=user_id, statement=spec.text, **_profile_fields(spec)) for user_id, spec in trainees]
    TraineeProfile.objects.bulk_create(objs, batch_size=BATCH)
    pk = _profile_ids(TraineeProfile, [user_id for user_id, _ in trainees])
    m2m = TraineeProfile.languages.through, TraineeProfile.focus_areas.through
    _link(m2m[0], "traineeprofile", "language", ((pk[u], x) for u, s in trainees for x in ids.languages(s.languages)))
    focus = ((pk[u], x) for u, s in trainees for x in ids.focus_areas(s.focus_positions))
    _link(m2m[1], "traineeprofile", "focusarea", focus)
    interests = ((pk[u], x) for u, s in trainees for x in ids.specialties(s.specialties))
    _link(TraineeProfile.specialty_interests.through, "traineeprofile", "specialty", interests)
    goals = [
        Goal(
            trainee_id=pk[user_id],
            title=goal.title,
            focus_area_id=ids.focus.get(goal.focus_position),
            status=goal.status,
            progress=goal.progress,
            target_date=today + timedelta(days=goal.target_in_days),
        )
        for user_id, spec in trainees
        for goal in spec.goals
    ]
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    return len(goals)
