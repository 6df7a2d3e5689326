"""Django's `{# … #}` comment ends at the end of its line: one split over two lines is printed as text. The Meetings
list and My mentees showed "{# Each link says whose it is … #}" to every trainee and mentor."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
OPENED = re.compile(r"\{#(?![^\n]*#\})")


def test_no_template_has_a_one_line_comment_left_open_at_the_end_of_its_line() -> None:
    open_comments = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if OPENED.search(line)
    ]
    assert open_comments == []
