"""The directory's filters (django-filter), shared by the HTML page and the API so both accept the same GET.

Filters that the database answers narrow the candidate ids; "max hours apart" and "has a free place" are
answered by the cached mentor arrays in the selector (they need the trainee's zone and live capacity), so
their methods here leave the queryset alone.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from matching.features import browsing_features
from mentorship.filters import OneOfFilter
from profiles.models import MEETING_FORMAT_CHOICES, CareerStage, MeetingFormat, MentorProfile, Specialty

SubspecialtyThrough = MentorProfile.subspecialties.through


class FastSelect(forms.Select):
    """A <select> whose options are written in Python. Django's default renders one template per option, which
    for the ~150 specialties cost more than ranking 5,000 mentors; the markup is the same."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        parts: list[str] = [format_html("<select{}>", flatatt(final))]
        for option_value, label in self.choices:
            key = "" if option_value is None else str(option_value)
            marker = mark_safe(" selected") if key in chosen else ""
            parts.append(format_html('<option value="{}"{}>{}</option>', key, marker, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


#: How the "has a free place" box arrives: the page's ticked checkbox sends "on" (an unticked one sends nothing),
#: an API client true/false or 1/0.
_YES_NO = {"on": True, "true": True, "1": True, "false": False, "0": False, "": False}


class YesNoCheckbox(forms.CheckboxInput):
    """A checkbox that hands any other value on as typed, for the field to refuse. Django's CheckboxInput reads
    every value but "false" as ticked, so `?has_free_place=0` or a typo silently filtered."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name not in data:
            return False
        value = data.get(name)
        return _YES_NO.get(value.lower(), value) if isinstance(value, str) else value


class YesNoField(forms.BooleanField):
    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        raise ValidationError("Enter true or false.", code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


#: A meeting format by the name every API body gives it ("in_person", "video", "phone"), as the bit it is stored as.
MEETING_FORMAT_BITS = {f.name.lower(): str(int(f)) for f in MeetingFormat if f.name}


class MeetingFormatField(django_filters.fields.ChoiceField):
    """The page's <select> sends the bit ("2"), an API client the name ("video"), as in the bodies it reads."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return MEETING_FORMAT_BITS.get(text, text)


class MeetingFormatFilter(OneOfFilter):
    field_class = MeetingFormatField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = ", ".join(MEETING_FORMAT_BITS)
        kwargs.setdefault("error_messages", {"invalid_choice": f"“%(value)s” is not one of: {names}."})
        super().__init__(*args, choices=MEETING_FORMAT_CHOICES, **kwargs)


def _taxonomy_choices(kind: str) -> list[tuple[str, str]]:
    """Choices from the cached taxonomy (no query per page): specialties grouped under their family."""
    taxonomy = browsing_features().taxonomy
    if kind == "focus":
        return [(str(pk), name) for pk, name in zip(taxonomy.focus_ids.tolist(), taxonomy.focus_names, strict=True)]
    if kind == "language":
        pairs = zip(taxonomy.language_ids.tolist(), taxonomy.language_names, strict=True)
        return sorted(((str(pk), name) for pk, name in pairs), key=lambda c: c[1])
    names, family = taxonomy.specialty_names, taxonomy.family_column.tolist()
    rows = []
    for column, pk in enumerate(taxonomy.specialty_ids.tolist()):
        parent = family[column]
        label = names[column] if parent == column else f"{names[parent]} › {names[column]}"
        rows.append(((names[parent], parent != column, names[column]), (str(pk), label)))
    return [choice for _, choice in sorted(rows)]


class MentorFilter(django_filters.FilterSet):
    # Bounded: SQLite (the embedded default) refuses a LIKE pattern past 50,000 bytes with a server error.
    q = django_filters.CharFilter(method="filter_search", label="Search name, bio or institution", max_length=200)
    specialty = django_filters.ChoiceFilter(
        choices=partial(_taxonomy_choices, "specialty"),
        method="filter_specialty",
        label="Specialty",
        widget=FastSelect,
        empty_label="Any",
        help_text="Includes its sub-specialties.",
    )
    focus_area = django_filters.ChoiceFilter(
        choices=partial(_taxonomy_choices, "focus"),
        field_name="focus_areas",
        label="Focus area",
        empty_label="Any",
        widget=FastSelect,
    )
    career_stage = OneOfFilter(choices=CareerStage.choices, label="Career stage", empty_label="Any", widget=FastSelect)
    language = django_filters.ChoiceFilter(
        choices=partial(_taxonomy_choices, "language"),
        field_name="languages",
        label="Language",
        empty_label="Any",
        widget=FastSelect,
    )
    meeting_format = MeetingFormatFilter(
        method="filter_meeting_format",
        label="Meeting format",
        empty_label="Any",
        widget=FastSelect,
    )
    max_hours_apart = django_filters.NumberFilter(
        method="filter_in_arrays",
        label="At most this many hours apart",
        min_value=0,
        max_value=12,
        help_text="From your profile's time zone.",
    )
    has_free_place = YesNoFilter(method="filter_in_arrays", label="Has a free place", widget=YesNoCheckbox)

    class Meta:
        model = MentorProfile
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[MentorProfile], name: str, value: str) -> QuerySet[MentorProfile]:
        for term in value.split()[:8]:
            queryset = queryset.filter(
                Q(user__full_name__icontains=term) | Q(bio__icontains=term) | Q(institution__icontains=term)
            )
        return queryset

    def filter_specialty(self, queryset: QuerySet[MentorProfile], name: str, value: Any) -> QuerySet[MentorProfile]:
        # Choosing a specialty includes its sub-specialties: Internal Medicine finds cardiologists too.
        family = Specialty.objects.filter(Q(pk=int(value)) | Q(parent_id=int(value))).values("pk")
        by_sub = SubspecialtyThrough.objects.filter(specialty_id__in=family).values("mentorprofile_id")
        return queryset.filter(Q(specialty_id__in=family) | Q(pk__in=by_sub))

    def filter_meeting_format(
        self, queryset: QuerySet[MentorProfile], name: str, value: str
    ) -> QuerySet[MentorProfile]:
        bit = int(value)
        return queryset.filter(meeting_formats__in=[v for v in range(1, 8) if v & bit])

    def filter_in_arrays(self, queryset: QuerySet[MentorProfile], name: str, value: Any) -> QuerySet[MentorProfile]:
        return queryset  # applied by the selector on the cached arrays
