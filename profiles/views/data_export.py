"""Download my data: the person's data export as a file (`profiles.data_export`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from profiles.access import signed_in_user
from profiles.data_export import DataExportTooOften, data_export_filename, data_export_for, data_export_json


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    try:
        document = data_export_for(user=signed_in_user(request))
    except DataExportTooOften as error:
        messages.error(request, error.message)
        return redirect("profiles-me")
    response = HttpResponse(data_export_json(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{data_export_filename()}"'
    # Everything about a person, on hospital workstations that are shared: kept by no cache on the way.
    patch_cache_control(response, private=True, no_store=True)
    return response
