"""The mentor directory and a mentor's page (ranked by the selector, never here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from matching.selectors import last_decline_with, mentor_detail_for, mentor_directory_for
from matching.views.forms import RequestForm
from profiles.access import signed_in_user

# A mentor's page carries the directory's query (filters and page) it was opened from in this parameter, so its
# "back" link returns to the list the trainee narrowed instead of the whole directory.
FROM_PARAMETER = "from"


@login_required
def mentors_directory(request: HttpRequest) -> HttpResponse:
    directory = mentor_directory_for(user=signed_in_user(request), filters=request.GET, page=request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    came_from = request.GET.urlencode()
    context = {
        "directory": directory,
        "filter_query": query.urlencode(),
        "filters_used": bool(query),
        "detail_query": f"?{urlencode({FROM_PARAMETER: came_from})}" if came_from else "",
    }
    return render(request, "matching/directory.html", context)


def directory_return(request: HttpRequest) -> dict[str, str]:
    """The directory link of a mentor's page: back to the list as the trainee left it, when they came from one.
    Only a query string on the directory's own path is taken, never a URL, so the link cannot lead elsewhere."""
    came_from = QueryDict(request.GET.get(FROM_PARAMETER, "")).urlencode()
    directory = reverse("matching-directory")
    return {
        "directory_url": f"{directory}?{came_from}" if came_from else directory,
        "from_query": f"?{urlencode({FROM_PARAMETER: came_from})}" if came_from else "",
    }


# Never kept by the browser: Back from My requests must show the request pending, not the page as it was
# before it (form and all), and a mentor who filled up or stopped accepting must show so at once.
@never_cache
@login_required
def mentors_detail(request: HttpRequest, mentor_id: int) -> HttpResponse:
    detail = mentor_detail_for(user=signed_in_user(request), mentor_id=mentor_id)
    form = RequestForm(programs=detail.programs) if not detail.refusal else None
    declined = last_decline_with(trainee=detail.context.profile, mentor=detail.mentor) if detail.context else None
    context = {"detail": detail, "form": form, "declined": declined, **directory_return(request)}
    return render(request, "matching/mentor_detail.html", context)
