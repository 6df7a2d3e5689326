"""Answers to a signed-in person are not kept by the browser or any cache on the way.

Hospital workstations are shared: a page answered without Cache-Control may be kept in the browser's cache and
shown again by Back after its reader logged out (a meeting, a trainee's goals, an export). Django's admin and
log-in pages already say `no-store`; this says it for every answer to a signed-in person that does not set its own
caching. Static files (whitenoise, earlier in MIDDLEWARE) and pages for anonymous visitors are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
