"""The pure scoring engine: feature arrays and weights in, explainable 0–100 scores out. No Django here."""

from .arrays import FORMAT_NAMES, IN_PERSON, PHONE, VIDEO, MentorFeatures, Shortlist, TraineeFeatures
from .compute import ScoreResult
from .explain import Exclusion, Explanation, Part, explain, explain_scored
from .ranking import Ranking, rank, ranked
from .rules import RULES, Rule
from .scores import score, score_blocks
from .weights import COMPONENTS, Weights
from .wording import Names

__all__ = [
    "COMPONENTS",
    "FORMAT_NAMES",
    "IN_PERSON",
    "PHONE",
    "RULES",
    "VIDEO",
    "Exclusion",
    "Explanation",
    "MentorFeatures",
    "Names",
    "Part",
    "Ranking",
    "Rule",
    "ScoreResult",
    "Shortlist",
    "TraineeFeatures",
    "Weights",
    "explain",
    "explain_scored",
    "rank",
    "ranked",
    "score",
    "score_blocks",
]
