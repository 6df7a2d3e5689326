"""Reads that depend on who asks. Someone outside a match sees none of its meetings, logs or feedback.

One module per concern: `matches` (the user's matches and the goals a log may name), `meetings` (lists,
follow-ups, the home page's to-do), `sessions` (session logs, private notes only for their author) and `feedback`
(answers, check-ins and coordinators' totals).
"""

from meetings.selectors.feedback import (
    FEEDBACK_REVEAL_AFTER,
    FeedbackSummary,
    ProgramFeedback,
    checkin_current_period,
    checkins_summary,
    feedback_mine,
    feedback_summary,
    feedback_summary_for,
    feedback_visible,
)
from meetings.selectors.matches import goals_for_logs_of, goals_in_matches_of, match_for, matches_for
from meetings.selectors.meetings import (
    FOLLOW_UP_STATES,
    FOLLOW_UP_WITHIN,
    FollowUp,
    FollowUpState,
    MeetingPage,
    ToDo,
    follow_up,
    is_first_meeting,
    matches_to_arrange_for,
    meeting_for,
    meeting_page_for,
    meetings_for,
    meetings_split,
    to_do_for,
    with_follow_up,
)
from meetings.selectors.sessions import (
    MatchPage,
    goals_behind,
    goals_for_log_form,
    match_page_for,
    progress_recorded_after,
    session_log_start,
    session_logs_for,
)

__all__ = [
    "FEEDBACK_REVEAL_AFTER",
    "FOLLOW_UP_STATES",
    "FOLLOW_UP_WITHIN",
    "FeedbackSummary",
    "FollowUp",
    "FollowUpState",
    "MatchPage",
    "MeetingPage",
    "ProgramFeedback",
    "ToDo",
    "checkin_current_period",
    "checkins_summary",
    "feedback_mine",
    "feedback_summary",
    "feedback_summary_for",
    "feedback_visible",
    "follow_up",
    "goals_behind",
    "goals_for_log_form",
    "goals_for_logs_of",
    "goals_in_matches_of",
    "is_first_meeting",
    "match_for",
    "match_page_for",
    "matches_for",
    "matches_to_arrange_for",
    "meeting_for",
    "meeting_page_for",
    "meetings_for",
    "meetings_split",
    "progress_recorded_after",
    "session_log_start",
    "session_logs_for",
    "to_do_for",
    "with_follow_up",
]
