"""The signed-in person behind a request (views are all behind login_required), and what a form's own URL does
when it is opened rather than sent."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

View = Callable[..., HttpResponse]


def post_only(page: str, *, with_arguments: bool = True) -> Callable[[View], View]:
    """For a view that only takes a form's POST. Its URL opened by GET — a reload, a bookmark, or the log-in page
    sending someone back there after their session ran out while they wrote — goes to `page`, the page that
    holds the form (given the view's URL arguments unless `with_arguments` is false), instead of the browser's
    bare "HTTP ERROR 405" with no way on."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return redirect(page, **kwargs) if with_arguments else redirect(page)
            return view(request, **kwargs)

        return wrapper

    return decorate
