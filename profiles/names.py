"""People's names: what a name may contain, and the first name to greet someone by."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

#: Titles people put before their name, skipped when greeting them by first name.
TITLES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "mx"})


#: Direction embeddings, overrides and isolates: inside a name they make it read as another one ("Dr \u202eleteP").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_person_name(value: str) -> None:
    """A name is shown to other people, in pages and in the plain text of their e-mails, where a line break in it
    starts a line of text that seems to come from us. Joiners (U+200C, U+200D) stay: Persian and Indic names need
    them."""
    for char in value:
        if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            raise ValidationError(
                "A name cannot contain line breaks, tabs or other control characters.", code="name_control_character"
            )


def first_name(full_name: str) -> str:
    """The name to greet someone by: "Maya" for "Dr Maya Patel" (not "Hello Dr,"), "Hans" for "Prof. Dr. Hans
    Müller"; "" for no name. A name that is only titles keeps its last one ("Dr" for "Dr", "Prof." for "Dr. Prof."):
    something to greet them by."""
    words = full_name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in TITLES:
        words = words[1:]
    return words[0] if words else ""
