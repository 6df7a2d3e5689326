"""The pure scoring engine: feature arrays and weights in, explainable 0–100 scores out. No Django here."""

from .arrays import FORMAT_NAMES, IN_PERSON, PHONE, VIDEO, MentorFeatures, Shortlist, TraineeFeatures
from .compute import ScoreResult, score, score_blocks
from .explain import Exclusion, Explanation, Names, Part, Ranking, explain, explain_scored, rank, ranked
from .rules import RULES, Rule
from .weights import COMPONENTS, Weights

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
