"""Profiles → the matching engine's feature arrays (see ARCHITECTURE.md, "The data flow", step 1).

- `browsing_features()`: every mentor, cached; `invalidate_mentor_features()` refreshes it.
- `trainee_features(queryset, taxonomy)`: any set of trainees, fresh.
- `cohort_features(program)`: a program's trainees and mentors, conflicts, shortlists and weights, for rounds.
- `taxonomy_names()`: column → name per index space, for the engine's explanations.
"""

from __future__ import annotations

from matching.features.cache import BrowsingFeatures, browsing_features, invalidate_mentor_features
from matching.features.cohort import Cohort, cohort_features, cohort_members
from matching.features.read import (
    ZoneOffsets,
    conflicts_for,
    institution_id,
    mentor_features_from,
    program_weights,
    shortlist_for,
    trainee_features,
)
from matching.features.taxonomy import Taxonomy, taxonomy_load


def taxonomy_names() -> dict[str, tuple[str, ...]]:
    """Column → name for specialties, focus areas and languages (the cached taxonomy; no query when warm)."""
    return browsing_features().taxonomy.names()


__all__ = [
    "BrowsingFeatures",
    "Cohort",
    "Taxonomy",
    "ZoneOffsets",
    "browsing_features",
    "cohort_features",
    "cohort_members",
    "conflicts_for",
    "institution_id",
    "invalidate_mentor_features",
    "mentor_features_from",
    "program_weights",
    "shortlist_for",
    "taxonomy_load",
    "taxonomy_names",
    "trainee_features",
]
