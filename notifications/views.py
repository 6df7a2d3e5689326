"""The in-app inbox: a list of one's own messages, mark one or all as read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.paging import nearest_page
from notifications.models import Notification
from notifications.rendering import inbox_entries, inbox_entry
from notifications.selectors import inbox_list
from notifications.services import notification_mark_read, notifications_mark_all_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = nearest_page(Paginator(inbox_list(user=request.user), 25), request.GET.get("page"))  # type: ignore[arg-type]
    rows = inbox_entries(page.object_list)
    return render(request, "notifications/inbox.html", {"page": page, "rows": rows, "zone": _zone(request)})


def _zone(request: HttpRequest) -> str:
    """The zone on the person's profile (trainee first for someone with both); UTC for a coordinator without one."""
    for profile in ("trainee_profile", "mentor_profile"):
        zone = getattr(getattr(request.user, profile, None), "time_zone", "")
        if zone:
            return str(zone)
    return "UTC"


def _read(request: HttpRequest, pk: int) -> Notification:
    try:
        return notification_mark_read(user=request.user, notification_id=pk)  # type: ignore[arg-type]
    except Notification.DoesNotExist:
        raise Http404("No such message.") from None


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    _read(request, pk)
    return redirect("notifications-inbox")


@login_required
@require_POST
def open_message(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark the message read and go to the page it is about. The address is the message's own link, rendered
    here, never one taken from the request (no open redirect)."""
    link = inbox_entry(_read(request, pk)).link
    return redirect(link or "notifications-inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponseRedirect:
    count = notifications_mark_all_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, f"Marked {count} message{'s' if count != 1 else ''} as read.")
    return redirect("notifications-inbox")
