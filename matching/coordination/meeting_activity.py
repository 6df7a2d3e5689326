"""What the health page and the CSV reports know of a program's meetings, as the meetings app tells them.

matching may not import meetings (imports run profiles ← notifications ← matching ← meetings), yet a coordinator
checks meetings on the health page: who has not met yet, sessions per month, feedback. The meetings app registers
those reads when it starts (`meeting_activity_register` in its `AppConfig.ready()`), as it registers its data-export
sections; what a meeting, a session log or a feedback answer is stays its own business. In a build without the
meetings app nothing is registered, and the page and the reports leave those parts out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Exists

if TYPE_CHECKING:
    from matching.models import Program


@dataclass(frozen=True)
class SessionsReport:
    header: list[str]
    rows: Iterable[list[Any]]


@dataclass(frozen=True)
class MeetingActivity:
    #: `Exists(...)` over `OuterRef("pk")` of a Match: the two have agreed a meeting (the first one counts).
    agreed_meeting: Callable[[], Exists]
    #: ("Jan 2027", sessions logged that month), oldest first, for the program's matches.
    sessions_per_month: Callable[[Program], list[tuple[str, int]]]
    #: Every session logged in the program, as the CSV lists them (never a mentor's private notes).
    sessions_report: Callable[[Program], SessionsReport]
    #: Feedback totals per role (`program` None: every program's), as coordinators may read them, at `now`.
    feedback_totals: Callable[[Program | None, datetime | None], dict[str, dict[str, Any]]]


_activity: list[MeetingActivity] = []


def meeting_activity_register(activity: MeetingActivity) -> None:
    """Registering again replaces what was registered (a second `ready()` does not add it twice)."""
    _activity[:] = [activity]


def meeting_activity() -> MeetingActivity | None:
    """What the meetings app registered, or None in a build without it."""
    return _activity[0] if _activity else None
