"""Form fields for the profile's own types: the meeting-format bit set, IANA time zones, grouped specialties, and
the multi-selects of rows by id."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.choices import flatten_choices

from mentorship.filters import as_id
from profiles.models import MEETING_FORMAT_CHOICES, Specialty, known_time_zones
from profiles.selectors import specialty_choices, time_zone_choices


class MeetingFormatsField(forms.MultipleChoiceField):
    """Checkboxes in the page, an int bit set (MeetingFormat) in cleaned_data."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": "Choose at least one meeting format."})
        super().__init__(choices=MEETING_FORMAT_CHOICES, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return [code for code, _ in MEETING_FORMAT_CHOICES if value & int(code)]
        return value

    def clean(self, value: Any) -> int:  # type: ignore[override]
        chosen = super().clean(value)
        return sum(int(bit) for bit in set(chosen))


class TimeZoneSelect(forms.Select):
    """The zone select, which also offers the zone it shows when its list lacks it.

    The list leaves out legacy aliases (US/Eastern, Etc/GMT+5, Canada/Eastern), but the form, the API and the admin
    accept them, so a profile can hold one. Without its own option the browser shows the list's first zone instead,
    and the next save, of anything else on the page, stores that one. A zone posted back with an error elsewhere is
    offered again the same way; what is not a zone at all is not offered (its error says so).
    """

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        offered = {str(zone) for zone, _ in flatten_choices(self.choices)}
        missing = [(zone, zone) for zone in value if zone not in offered and zone in known_time_zones()]
        if not missing:
            return super().optgroups(name, value, attrs)
        # A copy: this widget is rendered again with other values (the form shown again after an error).
        widget = copy.copy(self)
        widget.choices = [*missing, *self.choices]
        return super(TimeZoneSelect, widget).optgroups(name, value, attrs)


class TimeZoneField(forms.ChoiceField):
    """A select of UTC and the IANA zones grouped by region; any zone Python knows is accepted (legacy aliases too),
    and the one a person has is always offered (TimeZoneSelect)."""

    widget = TimeZoneSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "“%(value)s” is not a known time zone. Choose one such as America/New_York."},
        )
        kwargs.setdefault("help_text", "Where you usually are, so meeting times make sense to both of you.")
        super().__init__(choices=time_zone_choices(), **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value) in known_time_zones()


class GroupedSpecialtyField(forms.ModelChoiceField):
    """One specialty, offered in optgroups by parent specialty."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Specialty.objects.all(), **kwargs)

    def group(self) -> None:
        self.choices = [("", "Choose a specialty…"), *specialty_choices()]


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id. What is not an id (a 23-digit number SQLite cannot bind — a 500 on `make run`'s
    database —, "²", "1.0") is "Select a valid choice" like any id not offered, before the database is asked."""

    def clean(self, value: Any) -> Any:
        for chosen in value if isinstance(value, list | tuple) else ():
            if not isinstance(chosen, Model) and as_id(chosen) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": chosen}
                )
        return super().clean(value)


class GroupedSpecialtiesField(ModelIdsField):
    """Several specialties, offered in optgroups by parent specialty."""

    def __init__(self, **kwargs: Any) -> None:
        # `data-toggle-options` (static/js/app.js): a click chooses or unchooses one option, no Ctrl needed, and a
        # line under the list names what is chosen (scrolled out of sight in a 10-row list otherwise).
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 10, "data-toggle-options": ""}))
        super().__init__(queryset=Specialty.objects.all(), **kwargs)

    def group(self) -> None:
        self.choices = specialty_choices()
