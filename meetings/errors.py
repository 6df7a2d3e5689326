"""Refusals of the meetings app: each has a stable code for API clients and a message for people."""

from __future__ import annotations

from typing import Any

from mentorship.errors import ApplicationError, Conflict, NotAllowed
from profiles.versions import ChangedSinceRead


class NotInMatch(NotAllowed):
    code = "not_in_match"


class MentorOnly(NotAllowed):
    code = "mentor_only"


class MatchNotApproved(Conflict):
    code = "match_not_approved"


class OtherPersonLeft(Conflict):
    """The other person of the match has left (their account is deactivated): nothing can be arranged with them, and
    a coordinator ends the match."""

    code = "other_person_left"


class MeetingInPast(ApplicationError):
    code = "meeting_in_past"


class MeetingOverlap(Conflict):
    code = "meeting_overlap"


class TooManyProposals(Conflict):
    code = "too_many_proposals"


class TooManyMoves(Conflict):
    code = "too_many_moves"


class MeetingStateConflict(Conflict):
    code = "meeting_state"


class SessionAlreadyLogged(Conflict):
    """The same log form was sent again; `session_log` is the log its first sending wrote, `same` whether this
    sending says the same (a double click) or something else (Back, edited, sent again)."""

    code = "session_already_logged"

    def __init__(self, message: str, *, session_log: Any, same: bool) -> None:
        super().__init__(message, existing=session_log)
        self.session_log = session_log
        self.same = same


class MeetingAlreadyProposed(Conflict):
    """The same proposal sent again (a double click, Back and send again): `meeting` is the one its first sending
    proposed, which stands; nothing new is written."""

    code = "meeting_already_proposed"

    def __init__(self, message: str, *, meeting: Any) -> None:
        super().__init__(message, existing=meeting)
        self.meeting = meeting


class AlreadyAnswered(Conflict):
    code = "already_answered"


class MeetingChangedSinceRead(ChangedSinceRead):
    """An answer (accept, decline, cancel) or a move (reschedule, suggest) sent with a version of the meeting (its
    `sequence` and `status`) that is no longer current: it was moved, accepted or cancelled since. The page shows
    the meeting again instead of a bare message."""
