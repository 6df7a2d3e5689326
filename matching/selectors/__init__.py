"""Reads that depend on who asks. The directory ranking lives only in `directory` (views and API call it)."""

from matching.selectors.context import pair_explanation, programs_for_trainee, programs_known_to, trainee_profile_of
from matching.selectors.directory import DirectoryPage, MentorCard, mentor_directory_for
from matching.selectors.mentor_detail import MentorDetail, mentor_detail_for
from matching.selectors.mentorship import (
    Mentees,
    Mentorship,
    active_matches_for,
    last_decline_with,
    mentees_for,
    my_mentorship,
    own_request,
    requests_for,
    shortlist_mentor,
    shortlist_of,
    undecided_for,
)

__all__ = [
    "DirectoryPage",
    "Mentees",
    "MentorCard",
    "MentorDetail",
    "Mentorship",
    "active_matches_for",
    "last_decline_with",
    "mentees_for",
    "mentor_detail_for",
    "mentor_directory_for",
    "my_mentorship",
    "own_request",
    "pair_explanation",
    "programs_for_trainee",
    "programs_known_to",
    "requests_for",
    "shortlist_mentor",
    "shortlist_of",
    "trainee_profile_of",
    "undecided_for",
]
