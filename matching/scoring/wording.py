"""The sentences of a pair's explanation: each component's reason and each hard rule's, in the words a trainee
reads on a mentor card ("Same specialty (Cardiology)", "Covers 3 of your 4 focus areas, not Research")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .arrays import FORMAT_NAMES, MentorFeatures, TraineeFeatures
from .rules import Rule, tz_minutes_apart
from .weights import Weights

Lookup = Mapping[int, str] | Sequence[str]


@dataclass(frozen=True)
class Names:
    """Optional names for taxonomy indexes, so reasons can say "Cardiology" instead of "your interest"."""

    specialties: Lookup = field(default_factory=dict)
    focus_areas: Lookup = field(default_factory=dict)
    languages: Lookup = field(default_factory=dict)
    institutions: Lookup = field(default_factory=dict)
    stages: Lookup = field(default_factory=dict)  # career stage number → "Fellow", "Senior attending", …

    @classmethod
    def of_columns(cls, names: Mapping[str, Lookup]) -> Names:
        """From column → name tables keyed "specialties", "focus_areas", "languages" and "stages" (as
        `Taxonomy.names()`)."""
        return cls(
            specialties=names.get("specialties", ()),
            focus_areas=names.get("focus_areas", ()),
            languages=names.get("languages", ()),
            stages=names.get("stages", ()),
        )


def lower_first(text: str, lower: bool) -> str:
    return text[:1].lower() + text[1:] if lower and text[:2] != text[:2].upper() else text


def _name(lookup: Lookup | None, index: int) -> str | None:
    try:
        return None if lookup is None else str(lookup[index])
    except (KeyError, IndexError, TypeError):
        return None


def _listing(lookup: Lookup | None, indexes: Iterable[int], last: str = "and") -> str | None:
    names = [n for n in (_name(lookup, int(i)) for i in indexes) if n]
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {last} " + names[-1]


def hours_and_minutes(minutes: int) -> str:
    """“2 h 30 min”, “2 h”, “30 min” (not “0 h 30 min”): a gap between two clocks, as people say it."""
    h, m = divmod(abs(int(minutes)), 60)
    if not h:
        return f"{m} min"
    return f"{h} h {m} min" if m else f"{h} h"


def _hours(minutes: int) -> str:
    if minutes == 0:
        return "Same time zone"
    return f"{hours_and_minutes(minutes)} apart"


def _stages(count: int) -> str:
    return f"{count} stage" if count == 1 else f"{count} stages"


def _stage_reason(trainee_stage: int, mentor_stage: int, best_gap: int, names: Names) -> str:
    """Says where the mentor is ("Fellow") and what the program looks for, not a bare "6 stages ahead; 2 is ideal",
    which a student could not read: the stages are the program's ladder from student to senior attending."""
    gap = mentor_stage - trainee_stage
    if gap <= 0:
        return "Mentor is not ahead of you in training"
    who = _name(names.stages, mentor_stage)
    said = f"{who}, {_stages(gap)} ahead of you" if who else f"Mentor is {_stages(gap)} ahead of you"
    if gap == best_gap:
        return f"{said}, as your program prefers"
    return f"{said}; your program prefers mentors {_stages(best_gap)} ahead"


def reasons_for(
    t: TraineeFeatures, i: int, m: MentorFeatures, j: int, w: Weights, names: Names, rank: int | None
) -> dict[str, str]:
    """Each component's reason for trainee row `i` and mentor row `j` (rows of any size of arrays: a round words
    thousands of pairs without copying a row out for each)."""
    reasons: dict[str, str] = {}
    same = np.flatnonzero(t.interests[i] & m.specialties[j])
    family = np.flatnonzero(t.interest_families[i] & m.families[j])
    if len(same):
        listed = _listing(names.specialties, same)
        reasons["specialty"] = f"Same specialty ({listed})" if listed else "Same specialty as your interest"
    elif len(family):
        listed = _listing(names.specialties, family)
        reasons["specialty"] = f"Related specialty (both in {listed})" if listed else "Related specialty (same field)"
    elif not t.interests[i].any():
        reasons["specialty"] = "You have not picked a specialty interest yet"
    else:
        reasons["specialty"] = "Different specialty from your interests"
    reasons["career_stage"] = _stage_reason(int(t.stage[i]), int(m.stage[j]), w.stage_gap_best, names)
    sought, covered = int(t.focus[i].sum()), np.flatnonzero(t.focus[i] & m.focus[j])
    if sought == 0:
        reasons["focus_areas"] = "You did not pick focus areas, so any mentor fits"
    elif not len(covered):
        reasons["focus_areas"] = "No shared focus areas"
    else:
        listed = _listing(names.focus_areas, covered)
        if len(covered) == sought:
            share = {1: "your focus area", 2: "both of your focus areas"}.get(
                sought, f"all {sought} of your focus areas"
            )
        else:
            share = f"{len(covered)} of your {sought} focus areas"
        reasons["focus_areas"] = f"Covers {share}" + (f" ({listed})" if listed else "")
        # What is missing is what lowered the score: name it, or the covered ones read as the cause.
        missing = _listing(names.focus_areas, np.flatnonzero(t.focus[i] & ~m.focus[j]), last="or")
        if len(covered) < sought and missing:
            reasons["focus_areas"] += f", not {missing}"
    shared = np.flatnonzero(t.languages[i] & m.languages[j])
    listed = _listing(names.languages, shared)
    reasons["language"] = (
        (f"Speaks {listed}" if listed else "Speaks a language you speak") if len(shared) else ("No language in common")
    )
    reasons["time_zone"] = _hours(int(tz_minutes_apart(t.tz_offset_minutes[i], m.tz_offset_minutes[j])))
    wanted, offered = int(t.formats[i]), int(m.formats[j])
    hit = [FORMAT_NAMES[b] for b in (1, 2, 4) if wanted & offered & b]
    n_wanted = sum(1 for b in (1, 2, 4) if wanted & b)
    if wanted == 0:
        reasons["meeting_format"] = "You have no meeting-format preference"
    elif len(hit) == n_wanted:
        reasons["meeting_format"] = f"Meets the way you prefer ({', '.join(hit)})"
    elif hit:
        not_offered = " or ".join(FORMAT_NAMES[b] for b in (1, 2, 4) if wanted & ~offered & b)
        reasons["meeting_format"] = (
            f"Offers {len(hit)} of your {n_wanted} preferred meeting formats ({', '.join(hit)}), not {not_offered}"
        )
    else:
        missing = ", ".join(FORMAT_NAMES[b] for b in (1, 2, 4) if wanted & b)
        reasons["meeting_format"] = f"Does not offer your preferred meeting format ({missing})"
    ti, mi = int(t.institution[i]), int(m.institution[j])
    place = _name(names.institutions, mi)
    if ti < 0 or mi < 0:
        reasons["institution"] = "Institution not known"
    elif ti == mi:
        reasons["institution"] = (f"Same institution ({place})" if place else "Same institution") + (
            "; this program prefers mentors from elsewhere" if w.institution_rule == "minus" else ""
        )
    else:
        reasons["institution"] = "From another institution" + (
            ", as this program prefers" if w.institution_rule == "minus" else ""
        )
    if rank is None:
        reasons["shortlist"] = "Not on your shortlist"
    elif rank == 0:
        reasons["shortlist"] = "Starred by you"
    else:
        reasons["shortlist"] = f"Your #{rank} choice"
    return reasons


def exclusion_reason(rule: Rule, t: TraineeFeatures, m: MentorFeatures, w: Weights) -> str:
    if rule is Rule.TIME_ZONE_CAP:
        apart = _hours(int(tz_minutes_apart(t.tz_offset_minutes, m.tz_offset_minutes)[0]))
        return f"{apart}; this program allows at most {w.time_zone_cap_hours:g} h"
    return {
        Rule.NO_SHARED_LANGUAGE: "No language in common",
        Rule.MENTOR_NOT_AHEAD: "Mentor is not ahead of you in training",
        Rule.ASSESSES_TRAINEE: "Mentor assesses or supervises you, so cannot also be your mentor",
        Rule.NOT_ACCEPTING: "Mentor is not taking new mentees right now",
        Rule.NO_FREE_PLACE: "Mentor has no free places",
    }[rule]
