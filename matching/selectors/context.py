"""Everything the ranking needs about one trainee, read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Exists, OuterRef, Q, QuerySet
from numpy.typing import NDArray

from matching.features import (
    BrowsingFeatures,
    ZoneOffsets,
    browsing_features,
    conflicts_for,
    mentor_features_from,
    program_weights,
    shortlist_for,
    trainee_features,
)
from matching.models import Program
from matching.scoring import Ranking, Shortlist, TraineeFeatures, Weights, ranked
from matching.selectors.explaining import Explanation, explain_pairs
from profiles.models import MentorProfile, TraineeProfile, User


def trainee_profile_of(user: User) -> TraineeProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.trainee_profile
    except TraineeProfile.DoesNotExist:
        return None


def programs_known_to(*, user: User) -> QuerySet[Program]:
    """Programs a request may name without learning anything: those the user is enrolled in as a trainee (closed
    ones too, so the answer can say so) and those open to everyone. Any other is "does not exist"."""
    trainee = trainee_profile_of(user)
    if trainee is None:
        return Program.objects.none()
    enrolled = Program.trainees.through.objects.filter(program_id=OuterRef("pk"), traineeprofile_id=trainee.pk)
    return Program.objects.filter(Q(open_to_all=True) | Q(Exists(enrolled)))


def programs_for_trainee(trainee: TraineeProfile) -> QuerySet[Program]:
    """Active programs the trainee can use: enrolled ones first, then those open to everyone."""
    enrolled = Program.trainees.through.objects.filter(program_id=OuterRef("pk"), traineeprofile_id=trainee.pk)
    return (
        Program.objects.filter(is_active=True)
        .annotate(enrolled=Exists(enrolled))
        .filter(Q(open_to_all=True) | Q(enrolled=True))
        .order_by("-enrolled", "name")
    )


@dataclass(eq=False)
class TraineeContext:
    profile: TraineeProfile
    features: TraineeFeatures  # one row
    conflicts: NDArray[np.int64]
    shortlist: Shortlist
    shortlist_ranks: dict[int, int | None]  # mentor id → rank (None = starred)
    programs: list[Program]
    weights: Weights
    browsing: BrowsingFeatures

    @property
    def program(self) -> Program | None:
        """The program whose weights rank the directory (the trainee's first enrolled, else first open)."""
        return self.programs[0] if self.programs else None

    def ranking(self) -> Ranking:
        """The engine's ranking of every cached mentor for this trainee (pair rules exclude; ties by id).

        `browsing=False`: mentors who are full still get a score, so the directory can list them as full
        rather than hide them (not-accepting mentors are left out by the directory's own filter).
        """
        return ranked(
            self.features,
            self.browsing.mentors,
            self.weights,
            shortlist=self.shortlist,
            conflicts=self.conflicts,
            browsing=False,
        )

    def explain(self, mentor_positions: list[int] | NDArray[np.intp]) -> list[Explanation]:
        mentors = self.browsing.mentors.take(mentor_positions)
        return explain_pairs(
            self.features,
            mentors,
            self.weights,
            dict(self.browsing.taxonomy.names()),
            shortlist=self.shortlist,
            conflicts=self.conflicts,
        )


def trainee_context_for(trainee: TraineeProfile) -> TraineeContext:
    """Eight queries: features (4), conflicts, shortlist, programs — plus a cache read for the mentor arrays."""
    browsing = browsing_features()
    one = TraineeProfile.objects.filter(pk=trainee.pk)
    shortlist = shortlist_for(one)
    programs = list(programs_for_trainee(trainee))
    return TraineeContext(
        profile=trainee,
        features=trainee_features(one, browsing.taxonomy, zones=ZoneOffsets()),
        conflicts=conflicts_for(one),
        shortlist=shortlist,
        shortlist_ranks={int(m): (int(r) or None) for m, r in zip(shortlist.mentor_ids, shortlist.ranks, strict=True)},
        programs=programs,
        weights=program_weights(programs[0] if programs else None),
        browsing=browsing,
    )


def pair_explanation(*, trainee: TraineeProfile, mentor_id: int, program: Program | None) -> Explanation:
    """One pair scored from fresh rows (not the cached arrays) with the program's weights: what a request
    snapshots and checks the hard rules with."""
    taxonomy = browsing_features().taxonomy
    one = TraineeProfile.objects.filter(pk=trainee.pk)
    zones = ZoneOffsets()
    mentors = mentor_features_from(MentorProfile.objects.filter(pk=mentor_id), taxonomy, zones=zones)
    return explain_pairs(
        trainee_features(one, taxonomy, zones=zones),
        mentors,
        program_weights(program),
        dict(taxonomy.names()),
        shortlist=shortlist_for(one),
        conflicts=conflicts_for(one),
    )[0]
