"""Reading a program's roster from a spreadsheet: who to enrol, as mentor or trainee.

Coordinators keep their cohort in a spreadsheet, so the roster is whatever they paste or export from it: one
person per row, with an e-mail address and "mentor" or "trainee" somewhere on the row, in any column, comma,
semicolon or tab separated; a header row and other columns (names, departments) are ignored. Every row that
cannot be read is a problem with its line number, so the coordinator can fix the sheet and try again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from matching.models import ProgramInvitation

#: More rows than any program's cohort; a bigger paste is a mistake (the wrong sheet), not a roster.
MAX_ROWS = 5000


#: What a spreadsheet reads as the start of a formula: the CSV reports quote a cell starting with one of these with
#: a leading "'" (CSV injection), and reading a list takes that quote off again, so that an exported roster with an
#: address like "-jo@uni.edu" reads back as that address.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: A person's role in a program, as invitations record it: one definition for the list and the model.
Role = ProgramInvitation.Role


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
    _seen: set[tuple[str, Role]] = field(default_factory=set, repr=False)

    def add(self, email: str, role: Role, where: str) -> None:
        """Add one person; a malformed address is a problem, and the same person twice in one role counts once."""
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            self.problems.append(RosterProblem(where, f"“{email}” is not an e-mail address."))
            return
        if (email, role) not in self._seen:
            self._seen.add((email, role))
            self.entries.append(RosterEntry(email, role, where))


#: An address as people write them (validate_email has the last word); found anywhere in a cell, so that
#: "Amara Okafor <amara@uni.edu>" and an e-mail client's "A <a@x.org>; B <b@x.org>" line both read.
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")

#: Tab first: a paste from a spreadsheet is tab separated, and names may hold commas ("Okafor, Amara").
DELIMITERS = ("\t", ";", ",")


def _addresses(cell: str) -> list[str]:
    found = []
    for candidate in ADDRESS.findall(cell):
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        found.append(candidate)
    return found


def _one_person(cell: str) -> bool:
    """The cell is one address, or one "Name <address>"."""
    if cell.endswith(">") and "<" in cell:
        name, cell = cell[: cell.rindex("<")], cell[cell.rindex("<") + 1 : -1]
        if "@" in name:
            return False
    return ADDRESS.fullmatch(cell.strip()) is not None


def _looks_like_a_mistyped_address(cell: str) -> bool:
    """ "amara@uni" is an address with a typo; "@amara_md" (a handle) and "met @ AAMC" (a note) are not."""
    return "@" in cell and not cell.startswith("@") and not any(char.isspace() for char in cell)


class Unreadable(Exception):
    """The list cannot be read past `line` (a cell longer than the csv module reads: in practice a quotation mark
    that is never closed, which turns the rest of the list into one cell)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, its non-blank cells); a cell may span lines (Alt+Enter in Excel).
    Raises Unreadable where a cell outgrows what the csv module reads (131,072 characters)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise Unreadable(start) from error
        cells = (_unquoted(cell.strip()) for cell in row)
        yield start, [cell for cell in cells if cell]
        start = reader.line_num + 1


def _unquoted(cell: str) -> str:
    """The cell without the "'" a CSV report puts before a cell that would read as a formula, or a spreadsheet's
    "'" that marks a role word as text. Only then: an address may itself start with "'" ("'jo@uni.edu", which the
    reports leave as it is), and taking that off would enrol someone else."""
    if cell[:1] == "'" and (cell[1:2] in FORMULA_STARTS or cell[1:].strip().lower() in ROLE_WORDS):
        return cell[1:].strip()
    return cell


def _delimiter(text: str) -> str:
    """The separator under which the most rows read as one person per cell and a role word.

    (csv.Sniffer guesses from character frequencies and took a tab-separated paste with spaces in the names for
    comma separated; this asks the question that matters here.)
    """

    def readable(delimiter: str) -> int:
        score = 0
        try:
            for _, cells in islice(_rows(text, delimiter), 200):
                score += any(_one_person(cell) for cell in cells)
                score += any(cell.lower() in ROLE_WORDS for cell in cells)
        except Unreadable:
            return score  # what was read so far counts; parse_roster says where reading stopped
        return score

    return max(DELIMITERS, key=readable)  # the first of equals wins


def parse_roster(text: str, default_role: Role | None = None) -> Roster:
    """Every address on each non-blank row (usually one; an e-mail client's To: line has several), in the
    row's role word, or `default_role` when it has none. Cells without an address are ignored."""
    roster = Roster()
    try:
        _read_into(roster, _rows(text, _delimiter(text)), default_role)
    except Unreadable as unreadable:
        roster.problems.append(
            RosterProblem(
                f"line {unreadable.line}",
                "a cell here runs on for over 130,000 characters, so the rest of the list cannot be read: most "
                'likely a quotation mark (") that is never closed. Remove it, or close it, and enrol again.',
            )
        )
    return roster


def _read_into(roster: Roster, rows: Iterator[tuple[int, list[str]]], default_role: Role | None) -> None:
    seen_person = False
    for count, (line, cells) in enumerate(rows, start=1):
        if not cells:
            continue
        where = f"line {line}"
        if count > MAX_ROWS:
            roster.problems.append(RosterProblem(where, f"the list is longer than {MAX_ROWS} rows: split it."))
            break
        found = [(cell, _addresses(cell)) for cell in cells]  # each cell searched and validated once
        emails = [email for _, addresses in found for email in addresses]
        mistyped = [cell for cell, addresses in found if not addresses and _looks_like_a_mistyped_address(cell)]
        roles = {ROLE_WORDS[cell.lower()] for cell in cells if cell.lower() in ROLE_WORDS}
        if mistyped:
            seen_person = True
            roster.problems.append(RosterProblem(where, f"“{mistyped[0]}” is not an e-mail address."))
            continue
        if not emails:
            if not seen_person and not roles:
                continue  # the header row ("Name, E-mail, Role")
            roster.problems.append(RosterProblem(where, "no e-mail address on this line."))
            continue
        seen_person = True
        if len(roles) > 1:
            roster.problems.append(RosterProblem(where, "says both mentor and trainee: put each role on its own line."))
            continue
        role = roles.pop() if roles else default_role
        if role is None:
            roster.problems.append(RosterProblem(where, _no_role(cells)))
            continue
        for email in emails:
            roster.add(email, role, where)


def _no_role(cells: list[str]) -> str:
    """What a row with no role word says: which cell nearly is one ("Trainee (PGY-1)", "Faculty mentor") when one
    is, since a whole column of them makes every row a problem, fixed with one find-and-replace once named."""
    near = next(
        (
            cell
            for cell in reversed(cells)  # the role column is usually last, after a name that may hold the word
            if not _addresses(cell) and ROLE_WORDS.keys() & set(re.findall(r"[a-z]+", cell.lower()))
        ),
        None,
    )
    if near is not None:
        return f"“{near}”: write the role alone, mentor or trainee, in its own cell."
    return "say whether this person is a mentor or a trainee."


def roster_from_lists(*, trainees: list[str], mentors: list[str]) -> Roster:
    """The API's form of a roster: two lists of addresses, each problem placed as "trainees[2]"."""
    roster = Roster()
    for role, emails in ((Role.TRAINEE, trainees), (Role.MENTOR, mentors)):
        for index, email in enumerate(emails):
            roster.add(email, role, f"{role}s[{index}]")
    return roster
