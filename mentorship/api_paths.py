"""Under /api/v1/ a path without its trailing slash is a 404 in the API's error format naming the path it meant,
never APPEND_SLASH's redirect.

The redirect (301, empty body) is followed by requests and `curl -L` with a GET: `POST /api/v1/goals` came back
200 with the list of goals and `PATCH /api/v1/me` lost its body, so the client believed the write was made. Pages
outside /api/, and the docs page and schema a person opens in a browser, keep the redirect. Its own module: the
middleware is loaded before DRF's views, which mentorship.api imports (and DRF's settings import mentorship.api in
turn).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
from django.middleware import common
from django.urls import is_valid_path

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def path_with_slash(request: HttpRequest) -> str | None:
    """The path the request meant when all it lacks is the trailing slash, else None."""
    if request.path_info.endswith("/"):
        return None
    urlconf = getattr(request, "urlconf", None)
    if is_valid_path(request.path_info, urlconf) or not is_valid_path(f"{request.path_info}/", urlconf):
        return None
    return f"{request.path}/"


#: The operations live under this; the docs page and the schema beside it are read by people in a browser, for whom
#: the redirect is what `/api/docs` typed in the address bar should do.
OPERATIONS_PREFIX = "/api/v"


class CommonMiddleware(common.CommonMiddleware):
    """Django's CommonMiddleware, with APPEND_SLASH's redirect for pages (and the API's docs and schema) only; and,
    under DEBUG, a path under /api/ that matches no route answered in the API's format as without DEBUG."""

    def should_redirect_with_slash(self, request: HttpRequest) -> bool:
        return not request.path.startswith(OPERATIONS_PREFIX) and super().should_redirect_with_slash(request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        # With DEBUG on (make run's default) Django answers a path no route matches with its HTML debug page and
        # never calls handler404: `curl .../api/v1/goals` got an HTML page instead of the error the docs promise.
        if settings.DEBUG and response.status_code == 404 and is_api(request) and _is_html(response):
            from mentorship.api import not_found  # imported late: see the module's docstring

            return not_found(request, Http404())
        return response


def _is_html(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith("text/html")
