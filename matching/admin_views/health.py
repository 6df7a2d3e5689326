"""Program health page and CSV exports, for coordinators of the program."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.text import slugify

from matching.admin_views import access
from matching.coordination.exports import available_exports, export_rows
from matching.coordination.health import program_health
from matching.models import Program
from profiles.access import signed_in_user


def _program_for(request: HttpRequest, program_id: int) -> Program:
    return get_object_or_404(access.programs_for(signed_in_user(request)), pk=program_id)


def health_page(model_admin: admin.ModelAdmin[Program], request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program_for(request, program_id)
    health = program_health(program=program, reader=signed_in_user(request))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Program health: {program}",
        "opts": Program._meta,
        "original": program,
        "health": health,
        # Its requests reach the superusers alone (`matching.services.requests.program_coordinators`).
        "has_active_coordinator": program.active_coordinators().exists(),
        "chart_data": health.chart_data(),
        "exports": available_exports(),
    }
    return TemplateResponse(request, "admin/matching/program/health.html", context)


def export_csv(
    model_admin: admin.ModelAdmin[Program], request: HttpRequest, program_id: int, kind: str
) -> HttpResponseBase:
    program = _program_for(request, program_id)
    lines = export_rows(program, kind, reader=signed_in_user(request))
    if lines is None:
        raise Http404(f"No {kind} report in this build.")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    # A name in another script has no Latin letters to make a file name of: the program's number stands in.
    name = slugify(program.name) or f"program-{program.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}-{kind}.csv"'
    return response
