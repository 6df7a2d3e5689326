"""The project's URLs plus two views that crash, to see what a client gets from a bug (tests only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from rest_framework.request import Request
from rest_framework.views import APIView

from mentorship.urls import handler404, handler500
from mentorship.urls import urlpatterns as project_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals in a traceback")


class CrashingApiView(APIView):
    permission_classes = ()

    def get(self, request: Request) -> HttpResponse:
        raise RuntimeError("secret internals in a traceback")


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/crash/plain/", crash),
    path("api/v1/crash/drf/", CrashingApiView.as_view()),
    path("crash/", crash),
    *project_urlpatterns,
]
