"""Versions of what a person edits (a goal, their account with both profiles, a session log), for optimistic
locking.

A client that read a version and sends it back with a change (the API's `If-Match`) is refused if someone changed
the thing meanwhile, instead of silently writing over that change. The services compare under the row locks they
take for the write, so no change can slip in between the check and the write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from mentorship.errors import ApplicationError
from profiles.models import Goal, MentorProfile, TraineeProfile, User

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ChangedSinceRead(ApplicationError):
    code = "changed_since_read"
    status = 412


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


class Saved(Protocol):
    pk: Any
    updated_at: datetime


def saved_version(row: Saved) -> str:
    """Changes whenever the row is saved (its `updated_at` is `auto_now`): a session log, and a goal."""
    return f"{row.pk}-{_microseconds(row.updated_at)}"


def goal_version(goal: Goal) -> str:
    """Changes whenever the goal is saved with a change (goal_update saves nothing when nothing changes)."""
    return saved_version(goal)


def person_version(user: User) -> str:
    """Changes with the account's name, address or its confirmation, and with either profile (created, changed)."""
    trainee = TraineeProfile.objects.filter(user=user).values_list("updated_at", flat=True).first()
    mentor = MentorProfile.objects.filter(user=user).values_list("updated_at", flat=True).first()
    parts = [
        user.full_name,
        user.email,
        str(user.email_confirmed),
        *(str(_microseconds(moment)) if moment else "-" for moment in (trainee, mentor)),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def ensure_version(current: str, expected: Collection[str] | None, what: str) -> None:
    """Refuse the write when the caller said which versions it read (`expected`) and this is none of them."""
    if expected is not None and current not in expected:
        raise ChangedSinceRead(
            f"The {what} changed since you read it (someone else, or you elsewhere, saved a change). Read it again "
            "and make your change to what it says now."
        )
