"""Matching rounds in the admin: start one, watch it, read its report (the pages are in admin_views/rounds.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from matching.admin.programs import CoordinatorAccess
from matching.admin_views import access, rounds
from matching.models import MatchingRound
from profiles.access import signed_in_user


@admin.register(MatchingRound)
class MatchingRoundAdmin(CoordinatorAccess, admin.ModelAdmin):
    list_display = ("__str__", "program", "algorithm", "status", "stage", "progress", "started_by")
    list_filter = ("status", "algorithm")
    list_select_related = ("program", "started_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchingRound]:
        return access.rounds_for(signed_in_user(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.is_coordinator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return rounds.start_page(self, request)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return rounds.detail_page(self, request, object_id)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:round_id>/status.json", wrap(self.status_view), name="matching_matchinground_status"),
            *super().get_urls(),
        ]

    def status_view(self, request: HttpRequest, round_id: int) -> HttpResponse:
        return rounds.status_json(self, request, round_id)
