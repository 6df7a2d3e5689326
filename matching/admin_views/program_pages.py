"""A program's own pages in the admin, beside its change form: health and CSV exports, enrolment from a list and
its invitations. Mixed into `ProgramAdmin`; each view is a function in its admin_views module."""

from __future__ import annotations

from typing import cast

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from matching.admin_views import enrolment, health
from matching.models import Program


class ProgramPages:
    admin_site: admin.AdminSite

    @admin.display(description="Pages")
    def links(self, program: Program) -> SafeString:
        return format_html(
            '<a href="{}">Health</a> · <a href="{}">Enrol</a> · <a href="{}">Run a round</a>',
            reverse("admin:matching_program_health", args=[program.pk]),
            reverse("admin:matching_program_enrol", args=[program.pk]),
            reverse("admin:matching_matchinground_add") + f"?program={program.pk}",
        )

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:program_id>/health/", wrap(self.health_view), name="matching_program_health"),
            path("<int:program_id>/export/<str:kind>.csv", wrap(self.export_view), name="matching_program_export"),
            path("<int:program_id>/enrol/", wrap(self.enrol_view), name="matching_program_enrol"),
            path(
                "<int:program_id>/invitations/<int:invitation_id>/withdraw/",
                wrap(self.withdraw_invitation_view),
                name="matching_program_withdraw_invitation",
            ),
            path(
                "<int:program_id>/invitations/<int:invitation_id>/resend/",
                wrap(self.resend_invitation_view),
                name="matching_program_resend_invitation",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def health_view(self, request: HttpRequest, program_id: int) -> HttpResponse:
        return health.health_page(self._model_admin, request, program_id)

    def export_view(self, request: HttpRequest, program_id: int, kind: str) -> HttpResponseBase:
        return health.export_csv(self._model_admin, request, program_id, kind)

    def enrol_view(self, request: HttpRequest, program_id: int) -> HttpResponse:
        return enrolment.enrol_page(self._model_admin, request, program_id)

    def withdraw_invitation_view(self, request: HttpRequest, program_id: int, invitation_id: int) -> HttpResponse:
        return enrolment.withdraw_invitation(self._model_admin, request, program_id, invitation_id)

    def resend_invitation_view(self, request: HttpRequest, program_id: int, invitation_id: int) -> HttpResponse:
        return enrolment.resend_invitation(self._model_admin, request, program_id, invitation_id)

    @property
    def _model_admin(self) -> admin.ModelAdmin[Program]:
        return cast("admin.ModelAdmin[Program]", self)  # the ProgramAdmin this is mixed into
