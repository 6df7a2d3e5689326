"""Every write of the meetings app, one module per concern:

- `scheduling`: the rules every meeting change obeys (who, when, where, how often) and its refusals
- `proposals`: proposing a meeting (with its outbox rows)
- `answers`: accept, suggest another time, reschedule, cancel (with their outbox rows)
- `reminders`: the reminder and prompt rows a meeting owns
- `sessions`: the mentor's session logs
- `feedback`: two-way feedback and check-in answers
- `followups`: the hourly check-ins, inactivity nudges and at-risk flags
- `risk`: flagging a match for the coordinator
"""

from meetings.services.answers import meeting_accept, meeting_cancel, meeting_reschedule, meeting_suggest_time
from meetings.services.feedback import checkin_submit, feedback_submit
from meetings.services.followups import matches_follow_up
from meetings.services.proposals import meeting_propose
from meetings.services.risk import match_flag_at_risk
from meetings.services.scheduling import meeting_move_refusal, meeting_propose_refusal
from meetings.services.sessions import GoalUpdate, session_log_create, session_log_refusal, session_log_update

__all__ = [
    "GoalUpdate",
    "checkin_submit",
    "feedback_submit",
    "match_flag_at_risk",
    "matches_follow_up",
    "meeting_accept",
    "meeting_cancel",
    "meeting_move_refusal",
    "meeting_propose",
    "meeting_propose_refusal",
    "meeting_reschedule",
    "meeting_suggest_time",
    "session_log_create",
    "session_log_refusal",
    "session_log_update",
]
