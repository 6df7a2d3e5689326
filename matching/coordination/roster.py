"""Reading a program's roster from a spreadsheet: who to enrol, as mentor or trainee.

Coordinators keep their cohort in a spreadsheet, so the roster is whatever they paste or export from it: one
person per row, with an e-mail address and "mentor" or "trainee" somewhere on the row, in any column, comma,
semicolon or tab separated; a header row and other columns (names, departments) are ignored. Every row that
cannot be read is a problem with its line number, so the coordinator can fix the sheet and try again.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

#: More rows than any program's cohort; a bigger paste is a mistake (the wrong sheet), not a roster.
MAX_ROWS = 5000


class Role(StrEnum):
    MENTOR = "mentor"
    TRAINEE = "trainee"


#: What a sheet may say in its role column (lower-cased).
ROLE_WORDS: dict[str, Role] = {
    "mentor": Role.MENTOR,
    "mentors": Role.MENTOR,
    "trainee": Role.TRAINEE,
    "trainees": Role.TRAINEE,
    "mentee": Role.TRAINEE,
    "mentees": Role.TRAINEE,
}


@dataclass(frozen=True)
class RosterEntry:
    email: str  # lower-cased, as accounts store it
    role: Role
    where: str  # where the coordinator finds it: "line 4", or "trainees[2]" in the API


@dataclass(frozen=True)
class RosterProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Roster:
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)

    def add(self, email: str, role: Role, where: str) -> None:
        """Add one person; a malformed address is a problem, and the same person twice in one role counts once."""
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            self.problems.append(RosterProblem(where, f"“{email}” is not an e-mail address."))
            return
        if not any(e.email == email and e.role == role for e in self.entries):
            self.entries.append(RosterEntry(email, role, where))


#: Tab first: a paste from a spreadsheet is tab separated, and names may hold commas ("Okafor, Amara").
DELIMITERS = ("\t", ";", ",")


def _delimiter(lines: list[str]) -> str:
    """The separator under which the most rows read as a clean address and a role word.

    (csv.Sniffer guesses from character frequencies and took a tab-separated paste with spaces in the names for
    comma separated; this asks the question that matters here.)
    """

    def readable(delimiter: str) -> int:
        score = 0
        for row in csv.reader(lines[:200], delimiter=delimiter):
            cells = [cell.strip() for cell in row]
            score += any(_is_clean_address(_address(cell)) for cell in cells)
            score += any(cell.lower() in ROLE_WORDS for cell in cells)
        return score

    return max(DELIMITERS, key=readable)  # the first of equals wins


def _is_clean_address(cell: str) -> bool:
    return cell.count("@") == 1 and not any(char.isspace() or char in ",;" for char in cell)


def _address(cell: str) -> str:
    """The address in an e-mail client's "Amara Okafor <amara@uni.edu>" form, or the cell itself."""
    if cell.endswith(">") and "<" in cell:
        return cell[cell.rindex("<") + 1 : -1]
    return cell


def parse_roster(text: str, default_role: Role | None = None) -> Roster:
    """Each non-blank row: its one e-mail address, and its role word (or `default_role` when it has none)."""
    roster = Roster()
    lines = text.splitlines()
    rows = csv.reader(lines, delimiter=_delimiter(lines))
    seen_person = False
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row if cell.strip()]
        if not cells:
            continue
        where = f"line {number}"
        if number > MAX_ROWS:
            roster.problems.append(RosterProblem(where, f"the list is longer than {MAX_ROWS} lines: split it."))
            break
        emails = [_address(cell) for cell in cells if "@" in cell]
        roles = {ROLE_WORDS[cell.lower()] for cell in cells if cell.lower() in ROLE_WORDS}
        if not emails:
            if not seen_person and not roles:
                continue  # the header row ("Name, E-mail, Role")
            roster.problems.append(RosterProblem(where, "no e-mail address on this line."))
            continue
        seen_person = True
        if len(emails) > 1:
            roster.problems.append(RosterProblem(where, "more than one e-mail address on this line."))
            continue
        if len(roles) > 1:
            roster.problems.append(RosterProblem(where, "says both mentor and trainee: put each role on its own line."))
            continue
        role = roles.pop() if roles else default_role
        if role is None:
            roster.problems.append(RosterProblem(where, "say whether this person is a mentor or a trainee."))
            continue
        roster.add(emails[0], role, where)
    return roster


def roster_from_lists(*, trainees: list[str], mentors: list[str]) -> Roster:
    """The API's form of a roster: two lists of addresses, each problem placed as "trainees[2]"."""
    roster = Roster()
    for role, emails in ((Role.TRAINEE, trainees), (Role.MENTOR, mentors)):
        for index, email in enumerate(emails):
            roster.add(email, role, f"{role}s[{index}]")
    return roster
