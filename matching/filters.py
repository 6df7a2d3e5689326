"""The directory's filters (django-filter), shared by the HTML page and the API so both accept the same GET.

Filters that the database answers narrow the candidate ids; "max hours apart" and "has a free place" are
answered by the cached mentor arrays in the selector (they need the trainee's zone and live capacity), so
their methods here leave the queryset alone.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from profiles.models import MEETING_FORMAT_CHOICES, CareerStage, FocusArea, Language, MentorProfile, Specialty

SubspecialtyThrough = MentorProfile.subspecialties.through


class SpecialtyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


class SpecialtyFilter(django_filters.ModelChoiceFilter):
    field_class = SpecialtyChoiceField


class MentorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search name, bio or institution")
    specialty = SpecialtyFilter(
        queryset=Specialty.objects.select_related("parent").order_by("name"),
        method="filter_specialty",
        label="Specialty",
        empty_label="Any",
        help_text="Includes its sub-specialties.",
    )
    focus_area = django_filters.ModelChoiceFilter(
        queryset=FocusArea.objects.all(), field_name="focus_areas", label="Focus area", empty_label="Any"
    )
    career_stage = django_filters.ChoiceFilter(choices=CareerStage.choices, label="Career stage", empty_label="Any")
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(), field_name="languages", label="Language", empty_label="Any"
    )
    meeting_format = django_filters.ChoiceFilter(
        choices=MEETING_FORMAT_CHOICES, method="filter_meeting_format", label="Meeting format", empty_label="Any"
    )
    max_hours_apart = django_filters.NumberFilter(
        method="filter_in_arrays",
        label="At most this many hours apart",
        min_value=0,
        max_value=12,
        help_text="From your profile's time zone.",
    )
    has_free_place = django_filters.BooleanFilter(
        method="filter_in_arrays", label="Has a free place", widget=forms.CheckboxInput
    )

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
        family = Specialty.objects.filter(Q(pk=value.pk) | Q(parent_id=value.pk)).values("pk")
        by_sub = SubspecialtyThrough.objects.filter(specialty_id__in=family).values("mentorprofile_id")
        return queryset.filter(Q(specialty_id__in=family) | Q(pk__in=by_sub))

    def filter_meeting_format(
        self, queryset: QuerySet[MentorProfile], name: str, value: str
    ) -> QuerySet[MentorProfile]:
        bit = int(value)
        return queryset.filter(meeting_formats__in=[v for v in range(1, 8) if v & bit])

    def filter_in_arrays(self, queryset: QuerySet[MentorProfile], name: str, value: Any) -> QuerySet[MentorProfile]:
        return queryset  # applied by the selector on the cached arrays
