"""Programs (cohorts), matches and their lifecycle, matching rounds, trainees' shortlists and invitations."""

from matching.models.invitations import (
    INVITATION_REMINDER_DAYS,
    INVITATION_VALID_DAYS,
    ProgramInvitation,
    invitation_expiry,
)
from matching.models.matches import Match, MatchQuerySet, MatchTransition
from matching.models.programs import (
    DEFAULT_WEIGHTS,
    MAX_WEIGHT,
    Program,
    default_reminder_lead_hours,
    default_weights,
    validate_lead_hours,
    validate_weights,
)
from matching.models.rounds import MatchingRound
from matching.models.shortlists import ShortlistEntry

__all__ = [
    "DEFAULT_WEIGHTS",
    "INVITATION_REMINDER_DAYS",
    "INVITATION_VALID_DAYS",
    "MAX_WEIGHT",
    "Match",
    "MatchQuerySet",
    "MatchTransition",
    "MatchingRound",
    "Program",
    "ProgramInvitation",
    "ShortlistEntry",
    "default_reminder_lead_hours",
    "default_weights",
    "invitation_expiry",
    "validate_lead_hours",
    "validate_weights",
]
