"""The meetings API's views, one module per resource: `meetings`, and `session_logs` (with feedback)."""

from meetings.api.views.meetings import MeetingViewSet
from meetings.api.views.session_logs import FeedbackViewSet, SessionLogViewSet

__all__ = ["FeedbackViewSet", "MeetingViewSet", "SessionLogViewSet"]
