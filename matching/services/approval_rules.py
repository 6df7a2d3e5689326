"""The engine's hard rules, read again when a match is approved.

A request is checked against them when it is sent and a round's proposal when the round scores it, but approval
may come days later: the mentor may have dropped the only language the two share, or the coordinator may have
set a time-zone limit the pair is beyond. Approving then matched two people the product says cannot be matched.
The rules that follow the profiles and the program's settings are read here, from fresh rows, in batches (one
batch of trainees × mentors per program, at most BATCH matches each), so approving 300 costs a few queries; the
others (accepting, capacity, who assesses whom) are `approvals._check`'s, under its row locks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from matching.features import ZoneOffsets, mentor_features_from, program_weights, taxonomy_load, trainee_features
from matching.models import Match
from matching.scoring import Weights, score
from matching.scoring.rules import Rule, tz_minutes_apart
from matching.scoring.wording import hours_and_minutes
from profiles.models import MentorProfile, TraineeProfile

#: Matches read at once: their trainees × their mentors are scored (at most a million pairs, most of them unused).
BATCH = 1000

#: The rules read again: the ones a profile or the program's settings change. Who assesses whom is checked with
#: its own message, and accepting and free places under the approval's locks.
CHANGEABLE = (Rule.NO_SHARED_LANGUAGE, Rule.MENTOR_NOT_AHEAD, Rule.TIME_ZONE_CAP)


def rules_broken_now(matches: Iterable[Match]) -> dict[int, tuple[Rule, str]]:
    """For each match whose pair a hard rule now excludes: (the first such rule, how it reads to a coordinator)."""
    by_program: dict[int, list[Match]] = defaultdict(list)
    for match in matches:
        by_program[match.program_id].append(match)
    # The taxonomy alone (three queries), not the directory's cached mentor arrays it also comes with: an approval
    # changes mentors' loads and so the arrays' version, and the next approval would rebuild them all for it.
    taxonomy = taxonomy_load()
    zones = ZoneOffsets()
    broken: dict[int, tuple[Rule, str]] = {}
    for group in by_program.values():
        weights = program_weights(group[0].program)
        for start in range(0, len(group), BATCH):
            batch = group[start : start + BATCH]
            trainees = trainee_features(
                TraineeProfile.objects.filter(pk__in={m.trainee_id for m in batch}), taxonomy, zones=zones
            )
            mentors = mentor_features_from(
                MentorProfile.objects.filter(pk__in={m.mentor_id for m in batch}), taxonomy, zones=zones
            )
            excluded = score(trainees, mentors, weights).excluded
            rows = trainees.position_of([m.trainee_id for m in batch])
            cols = mentors.position_of([m.mentor_id for m in batch])
            for match, row, col in zip(batch, rows.tolist(), cols.tolist(), strict=True):
                bits = Rule(int(excluded[row, col]))
                rule = next((r for r in CHANGEABLE if r in bits), None)
                if rule is not None:
                    apart = int(
                        tz_minutes_apart(trainees.tz_offset_minutes[[row]], mentors.tz_offset_minutes[[col]])[0]
                    )
                    broken[match.pk] = (rule, _reads(rule, weights, apart))
    return broken


def _reads(rule: Rule, weights: Weights, minutes_apart: int) -> str:
    if rule is Rule.TIME_ZONE_CAP:
        return (
            f"they are {hours_and_minutes(minutes_apart)} apart, more than the program's limit of "
            f"{weights.time_zone_cap_hours:g} h"
        )
    return {
        Rule.NO_SHARED_LANGUAGE: "they share no language any more",
        Rule.MENTOR_NOT_AHEAD: "the mentor is no longer ahead of the trainee in training",
    }[rule]
