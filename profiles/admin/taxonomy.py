"""The reference lists profiles choose from: specialties (two levels), focus areas, languages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from mentorship.admin_search import BoundedSearch
from profiles.models import FocusArea, Language, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(BoundedSearch, admin.ModelAdmin):
    list_display = ("name", "parent", "is_acgme_core", "mentor_count", "trainee_count")
    list_filter = ("is_acgme_core", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "parent__name")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("parent__name", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Specialty]:
        return (
            super()
            .get_queryset(request)
            .annotate(_mentors=Count("mentors", distinct=True), _trainees=Count("interested_trainees", distinct=True))
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            # Only two levels: a sub-specialty hangs under a top-level specialty.
            kwargs["queryset"] = Specialty.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="mentors", ordering="_mentors")
    def mentor_count(self, obj: Any) -> int:
        return int(obj._mentors)

    @admin.display(description="interested trainees", ordering="_trainees")
    def trainee_count(self, obj: Any) -> int:
        return int(obj._trainees)


@admin.register(FocusArea)
class FocusAreaAdmin(BoundedSearch, admin.ModelAdmin):
    list_display = ("name", "position", "description")
    list_editable = ("position",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Language)
class LanguageAdmin(BoundedSearch, admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
