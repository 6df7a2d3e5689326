"""A whole program's trainees and mentors as arrays, for cohort matching rounds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet
from numpy.typing import NDArray

from matching.features.read import (
    ZoneOffsets,
    conflicts_for,
    mentor_features_from,
    program_weights,
    shortlist_for,
    trainee_features,
)
from matching.features.taxonomy import Taxonomy, taxonomy_load
from matching.models import Program
from matching.scoring.arrays import MentorFeatures, Shortlist, TraineeFeatures
from matching.scoring.weights import Weights
from profiles.models import MentorProfile, TraineeProfile


@dataclass(frozen=True, eq=False)
class Cohort:
    program: Program
    taxonomy: Taxonomy
    trainees: TraineeFeatures
    mentors: MentorFeatures
    conflicts: NDArray[np.int64]  # K × 2 (trainee_id, mentor_id): the mentor assesses the trainee
    shortlist: Shortlist
    weights: Weights


def cohort_members(program: Program) -> tuple[QuerySet[TraineeProfile], QuerySet[MentorProfile]]:
    """Everyone when the program is open to all, else the enrolled trainees and mentors; never a deactivated
    account (someone who left keeps their history, but takes no part in rounds, health lists or the roster)."""
    trainees = TraineeProfile.objects.filter(user__is_active=True)
    mentors = MentorProfile.objects.filter(user__is_active=True)
    if program.open_to_all:
        return trainees, mentors
    return trainees.filter(programs=program), mentors.filter(programs=program)


def cohort_features(program: Program) -> Cohort:
    """Fresh (uncached) arrays for a round: 3 taxonomy + 4 trainee + 5 mentor + conflicts + shortlist queries.

    Mentors who are not accepting or are full are included, with `accepting` and `free_places` set; a round
    decides whether to skip them (the engine's `browsing=True` does).
    """
    trainees, mentors = cohort_members(program)
    taxonomy = taxonomy_load()
    zones = ZoneOffsets()
    trainee_arrays = trainee_features(trainees, taxonomy, zones=zones)
    mentor_arrays = mentor_features_from(mentors, taxonomy, zones=zones)
    conflicts = conflicts_for(trainees)
    if len(conflicts):
        conflicts = conflicts[np.isin(conflicts[:, 1], mentor_arrays.ids)]
    shortlist = shortlist_for(trainees)
    return Cohort(
        program=program,
        taxonomy=taxonomy,
        trainees=trainee_arrays,
        mentors=mentor_arrays,
        conflicts=conflicts,
        shortlist=shortlist,
        weights=program_weights(program),
    )
