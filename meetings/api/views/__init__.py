"""The meetings API's views, one module per resource: `meetings`, `session_logs` (with feedback) and
`match_goals` (the goals a log may name)."""

from meetings.api.views.match_goals import MatchGoalListAPI
from meetings.api.views.meetings import MeetingViewSet
from meetings.api.views.session_logs import FeedbackViewSet, SessionLogViewSet

__all__ = ["FeedbackViewSet", "MatchGoalListAPI", "MeetingViewSet", "SessionLogViewSet"]
