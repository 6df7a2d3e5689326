"""Back to the page a form was sent from, as its hidden `next` field says."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, *, default: str) -> HttpResponseRedirect:
    """To the path in POST `next` (our forms put `request.get_full_path` there), else to the URL named `default`.

    Only a path on this site is followed, and as the address it is: `redirect()` would take a plain word ("foo",
    "logout") for a URL name, answering 500 for one it cannot reverse and following one it can."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default)
