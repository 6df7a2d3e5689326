"""Query-parameter filters shared by the lists (the API's and the directory page's), so that every list refuses a bad
value the same way: an error naming the parameter, with what it takes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

#: The largest id a client can name (PostgreSQL's BIGINT); beyond it SQLite cannot even bind the number.
MAX_ID = 2**63 - 1


def as_id(value: object) -> int | None:
    """`value` as a database id, or None if it is not one: ASCII digits only ("²" passes `str.isdigit` and then
    breaks `int`), within 1…MAX_ID (SQLite cannot bind a larger number: a 500 on `make run`'s database)."""
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


@extend_schema_field(OpenApiTypes.INT)  # a NumberFilter is documented as `number`; this one takes integers only
class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number within BIGINT range (a decimal or a 200-digit number is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class OneOfFilter(django_filters.ChoiceFilter):
    """One of a fixed set of values (`?status=approved`). Any other value is a 400 that lists the values taken:
    Django's "Select a valid choice" left a client guessing, and an unfiltered answer would hide the typo."""

    def __init__(self, *args: Any, choices: Iterable[tuple[Any, str]], **kwargs: Any) -> None:
        choices = list(choices)
        taken = ", ".join(str(value) for value, _ in choices)
        kwargs.setdefault("error_messages", {"invalid_choice": f"“%(value)s” is not one of: {taken}."})
        super().__init__(*args, choices=choices, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(OneOfFilter):
    """`true` or `false` (`1`/`0`), anything else a 400; empty is no filter. `field_name` and `lookup_expr` say what
    a yes compares (`YesNoFilter(field_name="read_at", lookup_expr="isnull")`). Django's boolean fields read every
    value but a few as yes, so a typo would filter instead of being refused."""

    YES, NO = ("true", "1"), ("false", "0")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=[(value, value) for value in (*self.YES, *self.NO)], **kwargs)

    def filter(self, qs: Any, value: Any) -> Any:
        if value in ("", None):
            return qs
        return super().filter(qs, value in self.YES)
