"""Every kind of message the code base writes, in one list.

`notifications.services` refuses to record any other kind, so the list cannot fall behind the code that writes
messages; the API's `?kind=` filter takes these and only these, and each has its own templates
(`templates/notifications/<kind>.*`). The apps above name a kind by its value (`kind="match_approved"`); this app
only lists the names, never why a message is sent.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    CHECKIN_SURVEY = "checkin_survey"
    INACTIVITY_NUDGE = "inactivity_nudge"
    MATCH_APPROVED = "match_approved"
    MATCH_CANCELLED = "match_cancelled"
    MATCH_DECLINED = "match_declined"
    MATCH_ENDED = "match_ended"
    MATCH_REQUEST_EXPIRED = "match_request_expired"
    MATCH_REQUEST_REMINDER = "match_request_reminder"
    MATCH_REQUESTED = "match_requested"
    MEETING_ACCEPTED = "meeting_accepted"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_FEEDBACK_PROMPT = "meeting_feedback_prompt"
    MEETING_PROPOSED = "meeting_proposed"
    MEETING_REMINDER = "meeting_reminder"
    MEETING_RESCHEDULED = "meeting_rescheduled"
    MEETING_TIME_SUGGESTED = "meeting_time_suggested"
    PROGRAM_INVITATION = "program_invitation"
    PROGRAM_INVITATION_REMINDER = "program_invitation_reminder"
    PROGRAM_INVITATION_SIGNUP = "program_invitation_signup"
    SESSION_LOG_PROMPT = "session_log_prompt"


def known_kind(kind: str) -> str:
    """`kind` itself if it is in the list; a kind missing from it is a bug in the caller, not bad input."""
    if kind not in Kind.values:
        raise ValueError(f"{kind!r} is not a kind of message: add it to notifications.kinds.Kind (and its templates).")
    return kind
