"""CSV reports of a program, streamed row by row so a large program never sits in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from matching.coordination.health import mentor_loads, trainees_waiting, with_pending
from matching.coordination.meeting_activity import meeting_activity
from matching.coordination.roster import FORMULA_STARTS
from matching.models import Match, Program
from matching.selectors_coordination import program_people_seen
from profiles.models import User

#: kind (in the URL and the file name) → the link's label on the health page.
EXPORTS = {
    "roster": "Roster",
    "matches": "Matches",
    "without-mentor": "Trainees without a mentor",
    "mentor-load": "Mentor load",
    "sessions": "Sessions",
    "feedback": "Feedback",
}
#: The reports the meetings app supplies (`meeting_activity`); the others need only this app.
NEEDS_MEETINGS = {"sessions", "feedback"}
CHUNK = 2000


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in free text (CSV injection): a cell starting with = + - @ is quoted (and
    "Enrol from a list" takes the quote off, so the roster round-trips)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value


def _lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    import csv

    writer = csv.writer(_Echo())
    # Excel opens a CSV without a byte order mark in the local code page ("José" reads "JosÃ©"); with it, as UTF-8.
    # "Enrol from a list" reads the mark back (utf-8-sig), so the roster still round-trips.
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_safe(v) for v in row])


def available_exports() -> list[tuple[str, str]]:
    """(kind, label) of the reports this build has (sessions and feedback need the meetings app)."""
    return [
        (kind, label) for kind, label in EXPORTS.items() if kind not in NEEDS_MEETINGS or meeting_activity() is not None
    ]


def export_rows(program: Program, kind: str, reader: User | None = None) -> Iterator[str] | None:
    """CSV lines for `kind`, or None when that report does not exist in this build. `reader` (the coordinator who
    downloads it) reads no at-risk flag of a match they are the mentor or trainee of, as on the health page."""
    if kind == "matches":
        matches = (
            Match.objects.filter(program=program)
            .select_related("trainee__user", "mentor__user", "decided_by")
            .order_by("pk")
        )
        return _lines(
            [
                "id",
                "trainee",
                "trainee_email",
                "mentor",
                "mentor_email",
                "status",
                "origin",
                "score",
                "created_at",
                "decided_by",
                "decided_at",
                "decision_reason",
                "ended_at",
                "end_reason",
                "at_risk_since",
                "at_risk_reason",
            ],
            (
                [
                    m.pk,
                    m.trainee.user.full_name,
                    m.trainee.user.email,
                    m.mentor.user.full_name,
                    m.mentor.user.email,
                    m.status,
                    m.origin,
                    m.score,
                    m.created_at.isoformat(),
                    m.decided_by.email if m.decided_by else "",
                    m.decided_at.isoformat() if m.decided_at else "",
                    m.decision_reason,
                    m.ended_at.isoformat() if m.ended_at else "",
                    m.end_reason,
                    *_at_risk(m, reader),
                ]
                for m in matches.iterator(chunk_size=2000)
            ),
        )
    if kind == "roster":
        # The columns "Enrol from a list" reads: edit the file and send it back to enrol more people.
        return _lines(["name", "email", "role"], _roster_rows(program))
    if kind == "without-mentor":
        return _lines(["trainee", "trainee_email", "waiting_for_a_decision"], _without_mentor_rows(program))
    if kind == "mentor-load":
        # Every mentor of the program, as the health page charts the most loaded (same order, same flag).
        loads, _, _ = mentor_loads(program)
        return _lines(
            ["mentor", "mentor_email", "mentees", "capacity", "free_places", "far_above_average"],
            (
                [m.name, m.email, m.load, m.capacity, max(m.capacity - m.load, 0), "yes" if m.flagged else "no"]
                for m in loads
            ),
        )
    meetings = meeting_activity()
    if kind == "sessions" and meetings is not None:
        report = meetings.sessions_report(program)
        return _lines(report.header, report.rows)
    if kind == "feedback" and meetings is not None:
        # Totals per role, as the health page shows them, up to the same day: each answer stays between the two
        # people, and a file downloaded before and after one more answer is the same file (answer_totals).
        totals = meetings.feedback_totals(program, None)
        return _lines(
            ["role", "answers", "average_rating", "useful_percent", "not_a_good_fit", "totals_up_to"],
            (
                [role, t["count"], t["rating"], t["useful_pct"], t["not_a_good_fit"], t["up_to"].isoformat()]
                for role, t in totals.items()
            ),
        )
    return None


def _at_risk(match: Match, reader: User | None) -> tuple[str, str]:
    """The at-risk columns of a match: blank for a reader who is its mentor or trainee."""
    if match.at_risk_since is None or (reader is not None and match.involves(reader)):
        return "", ""
    return match.at_risk_since.isoformat(), match.at_risk_reason


def _without_mentor_rows(program: Program) -> Iterator[list[Any]]:
    """Every trainee of the program with no approved mentor, with their undecided requests and proposals."""
    trainees = trainees_waiting(program).only("user__full_name", "user__email").iterator(chunk_size=CHUNK)
    while chunk := list(islice(trainees, CHUNK)):
        for waiting in with_pending(program, chunk):
            pending = "; ".join(f"{m.get_status_display()}: {m.mentor}" for m in waiting.pending)
            yield [waiting.trainee.user.full_name, waiting.trainee.user.email, pending]


def _roster_rows(program: Program) -> Iterator[list[Any]]:
    """The program's people as its coordinator sees them (`program_people_seen`: the enrolled, and when it is open to
    all those with a match in it too; not everyone a round may consider), trainees first."""
    trainees, mentors = program_people_seen(program)
    for role, people in (("trainee", trainees), ("mentor", mentors)):
        for profile in people.select_related("user").order_by("user__full_name", "pk").iterator(chunk_size=CHUNK):
            yield [profile.user.full_name, profile.user.email, role]
