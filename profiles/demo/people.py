"""Deterministic demo people: person i of a kind is always the same person (its own seeded random stream), so a
set can be rebuilt, grown or re-run without changing anyone who already exists. No database access here."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from profiles.demo import catalog
from profiles.demo.names import BACKGROUNDS
from profiles.models import CareerStage, MeetingFormat
from profiles.taxonomy import SPECIALTIES

T = TypeVar("T")
SEED = 2026


@dataclass(frozen=True)
class GoalSpec:
    title: str
    focus_position: int
    status: str
    progress: int
    target_in_days: int  # from the day the demo is loaded


@dataclass(frozen=True)
class ProfileSpec:
    career_stage: int
    institution: str
    time_zone: str
    meeting_formats: int
    languages: tuple[str, ...]  # language codes
    focus_positions: tuple[int, ...]  # FocusArea.position
    specialties: tuple[str, ...]  # a mentor's main specialty first, then sub-specialties; a trainee's interests
    capacity: int = 2
    accepting_mentees: bool = True
    text: str = ""  # bio or statement
    goals: tuple[GoalSpec, ...] = ()


@dataclass
class PersonSpec:
    email: str
    full_name: str
    mentor: ProfileSpec | None = None
    trainee: ProfileSpec | None = None
    region: str = field(default="", compare=False)


def pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    return rng.choices([item for item, _ in weighted], [weight for _, weight in weighted])[0]


def sample_weighted(rng: random.Random, weights: Sequence[float], k: int) -> tuple[int, ...]:
    """k distinct indexes, drawn with the given weights."""
    chosen: list[int] = []
    pool = list(range(len(weights)))
    while pool and len(chosen) < k:
        index = rng.choices(pool, [weights[i] for i in pool])[0]
        chosen.append(index)
        pool.remove(index)
    return tuple(sorted(chosen))


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _languages(rng: random.Random, background: str, region: catalog.Region) -> tuple[str, ...]:
    codes = ["en"] if rng.random() < region.speaks_english else []
    for code, chance in BACKGROUNDS[background].languages:
        if len(codes) < 3 and code not in codes and rng.random() < chance:
            codes.append(code)
    if region is catalog.REGIONS["india"] and len(codes) < 3 and "hi" not in codes and rng.random() < 0.4:
        codes.append("hi")
    return tuple(codes or ["en"])


def _formats(rng: random.Random) -> int:
    value = 0
    for bit, chance in ((MeetingFormat.VIDEO, 0.85), (MeetingFormat.IN_PERSON, 0.45), (MeetingFormat.PHONE, 0.3)):
        if rng.random() < chance:
            value |= int(bit)
    return value or int(MeetingFormat.VIDEO)


def _specialty(rng: random.Random, family: str | None = None) -> tuple[str, str]:
    """(family, specialty): a top-level specialty, then itself or one of its sub-specialties."""
    weights = [(name, weight) for name, weight, _ in catalog.SPECIALTY_FAMILIES]
    family = family or pick(rng, weights)
    general = next(chance for name, _, chance in catalog.SPECIALTY_FAMILIES if name == family)
    subs = SPECIALTIES.get(family, [])
    if not subs or rng.random() < general:
        return family, family
    return family, rng.choice(subs)


def _hospitals_for(region: catalog.Region, family: str) -> tuple[str, ...]:
    """Children's hospitals employ pediatric specialists; everyone else works at the general hospitals."""
    pediatric = family == "Pediatrics"
    return tuple(h for h in region.hospitals if ("Children" in h) == pediatric) or region.hospitals


def _base(rng: random.Random, region_name: str | None = None) -> tuple[str, catalog.Region, str, str]:
    region_name = region_name or pick(rng, [(name, r.weight) for name, r in catalog.REGIONS.items()])
    region = catalog.REGIONS[region_name]
    background = pick(rng, region.backgrounds)
    names = BACKGROUNDS[background]
    full_name = f"{rng.choice(names.first_names)} {rng.choice(names.last_names)}"
    return region_name, region, background, full_name


def mentor(kind: str, index: int, *, anchor: bool = False) -> PersonSpec:
    """Mentor `index` of a set. An anchor mentor is a Spanish-speaking cardiologist in North America, accepting
    mentees, so the demo trainee always has good matches."""
    rng = random.Random(f"{SEED}:{kind}:mentor:{index}")  # noqa: S311 - demo data, not secrets
    region_name, region, background, full_name = _base(
        rng, rng.choice(["us_east", "us_central", "canada"]) if anchor else None
    )
    if anchor:
        family, main = "Internal Medicine", rng.choice(["Cardiology", "Cardiology", "Interventional Cardiology"])
        stage: int = pick(rng, [(CareerStage.EARLY_CAREER, 1), (CareerStage.MID_CAREER, 2), (CareerStage.SENIOR, 1)])
        languages: tuple[str, ...] = ("en", "es")
    else:
        family, main = _specialty(rng)
        stage = pick(rng, catalog.MENTOR_STAGES)
        languages = _languages(rng, background, region)
    others = [s for s in SPECIALTIES.get(family, []) if s != main]
    subs = tuple(rng.sample(others, k=min(len(others), pick(rng, [(0, 5), (1, 3), (2, 1)]))))
    institution = rng.choice(_hospitals_for(region, family))
    focus = sample_weighted(rng, catalog.FOCUS_WEIGHTS_MENTOR, rng.randint(2, 5))
    if anchor:
        focus = tuple(sorted({0, 1, *focus}))
    bio = f"{rng.choice(catalog.MENTOR_BIO_OPENINGS)} {rng.choice(catalog.MENTOR_BIO_OFFERS)}"
    profile = ProfileSpec(
        career_stage=int(stage),
        institution=institution,
        time_zone=pick(rng, region.time_zones),
        meeting_formats=_formats(rng),
        languages=languages,
        focus_positions=focus,
        specialties=(main, *subs),
        capacity=pick(rng, catalog.CAPACITY_WEIGHTS),
        accepting_mentees=anchor or rng.random() < 0.85,
        text=bio.format(specialty=main.lower() if main != family else family.lower(), institution=institution),
    )
    person = PersonSpec(email="", full_name=full_name, mentor=profile, region=region_name)
    # Some residents and fellows mentor students while being mentored themselves.
    if stage in catalog.RESIDENT_STAGES and rng.random() < 0.4:
        person.trainee = _trainee_profile(rng, region, background, stage=stage, family=family, institution=institution)
    return person


def trainee(kind: str, index: int) -> PersonSpec:
    rng = random.Random(f"{SEED}:{kind}:trainee:{index}")  # noqa: S311 - demo data, not secrets
    region_name, region, background, full_name = _base(rng)
    profile = _trainee_profile(rng, region, background, stage=pick(rng, catalog.TRAINEE_STAGES))
    return PersonSpec(email="", full_name=full_name, trainee=profile, region=region_name)


def _trainee_profile(
    rng: random.Random,
    region: catalog.Region,
    background: str,
    *,
    stage: int,
    family: str | None = None,
    institution: str | None = None,
) -> ProfileSpec:
    student = stage in catalog.STUDENT_STAGES
    family, first = _specialty(rng, family)
    interests = {first, family}
    if student and rng.random() < 0.5:  # students often weigh two fields
        interests.add(_specialty(rng)[1])
    weights = catalog.FOCUS_WEIGHTS_STUDENT if student else catalog.FOCUS_WEIGHTS_RESIDENT
    focus = sample_weighted(rng, weights, rng.randint(1, 4))
    goals = tuple(_goal(rng, position) for position in focus[: pick(rng, [(0, 3), (1, 4), (2, 3), (3, 1)])])
    return ProfileSpec(
        career_stage=int(stage),
        institution=institution or rng.choice(region.schools if student else _hospitals_for(region, family)),
        time_zone=pick(rng, region.time_zones),
        meeting_formats=_formats(rng),
        languages=_languages(rng, background, region),
        focus_positions=focus,
        specialties=tuple(sorted(interests)),
        text=rng.choice(catalog.TRAINEE_STATEMENTS).format(specialty=first.lower()),
        goals=goals,
    )


def _goal(rng: random.Random, position: int) -> GoalSpec:
    status = pick(rng, catalog.GOAL_STATUSES)
    progress = {"not_started": 0, "achieved": 100}.get(status, rng.randrange(10, 95, 5))
    return GoalSpec(
        title=rng.choice(catalog.GOALS_BY_FOCUS[position]),
        focus_position=position,
        status=status,
        progress=progress,
        target_in_days=rng.randint(-45, 330),
    )


def name_emails(people: Sequence[PersonSpec], *, domain: str) -> None:
    """first.last@domain, numbered on a clash, in list order (so the same list always gets the same addresses)."""
    taken: set[str] = set()
    for person in people:
        first, _, last = person.full_name.partition(" ")
        base = f"{_ascii(first)}.{_ascii(last)}"
        local, n = base, 1
        while local in taken:
            n += 1
            local = f"{base}{n}"
        taken.add(local)
        person.email = f"{local}@{domain}"


def numbered_emails(people: Sequence[PersonSpec], *, prefix: str, domain: str, start: int = 1) -> None:
    for offset, person in enumerate(people):
        person.email = f"{prefix}-{start + offset:05d}@{domain}"
