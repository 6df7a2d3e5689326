"""The mentor directory and a mentor's page (ranked by the selector, never here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from matching.selectors import mentor_detail_for, mentor_directory_for
from matching.views.access import signed_in
from matching.views.forms import RequestForm


@login_required
def mentors_directory(request: HttpRequest) -> HttpResponse:
    directory = mentor_directory_for(user=signed_in(request), filters=request.GET, page=request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/directory.html",
        {"directory": directory, "filter_query": query.urlencode(), "filters_used": bool(query)},
    )


@login_required
def mentors_detail(request: HttpRequest, mentor_id: int) -> HttpResponse:
    detail = mentor_detail_for(user=signed_in(request), mentor_id=mentor_id)
    form = RequestForm(programs=detail.programs) if not detail.refusal else None
    return render(request, "matching/mentor_detail.html", {"detail": detail, "form": form})
