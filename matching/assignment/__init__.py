"""Assignment of a whole cohort: exact optimal (max matched, then max total score) and stable. No Django here."""

from .cohort import CohortResult, assign_cohort, shortlist_by_row, shortlist_indices
from .optimal import optimal
from .prefs import prefs_from_pairs, prefs_from_scores
from .stable import stable

__all__ = [
    "CohortResult",
    "assign_cohort",
    "optimal",
    "prefs_from_pairs",
    "prefs_from_scores",
    "shortlist_by_row",
    "shortlist_indices",
    "stable",
]
