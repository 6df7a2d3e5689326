"""Refusals of the meetings app: each has a stable code for API clients and a message for people."""

from __future__ import annotations

from mentorship.errors import ApplicationError, Conflict, NotAllowed


class NotInMatch(NotAllowed):
    code = "not_in_match"


class MentorOnly(NotAllowed):
    code = "mentor_only"


class MatchNotApproved(Conflict):
    code = "match_not_approved"


class MeetingInPast(ApplicationError):
    code = "meeting_in_past"


class MeetingOverlap(Conflict):
    code = "meeting_overlap"


class MeetingStateConflict(Conflict):
    code = "meeting_state"


class AlreadyAnswered(Conflict):
    code = "already_answered"
