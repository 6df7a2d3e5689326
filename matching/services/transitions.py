"""The one place a match changes status: it writes the audit row in the same transaction."""

from __future__ import annotations

from django.utils import timezone

from matching.models import Match, MatchTransition
from notifications.services import notifications_cancel, notifications_cancel_many
from profiles.models import User

#: What coordinators are sent about a request while it waits ("… asked for …", "… waits: decide it"). Once it is
#: decided, cancelled or expired, one not sent yet (or failed, and retried later in the admin) would ask for a
#: decision already made.
WAITING_REQUEST_KINDS = ("match_requested", "match_request_reminder")


def match_transition(
    *, match: Match, to: str, by: User | None, reason: str = "", fields: tuple[str, ...] = ()
) -> Match:
    """Move `match` to status `to`, save the given extra fields with it, and record who did it.

    Callers hold whatever lock their rule needs (the mentor row for approvals, the match row for decisions).
    """
    previous = match.status
    match.status = to
    match.save(update_fields=["status", "updated_at", *fields])
    MatchTransition.objects.create(
        match=match, from_status=previous, to_status=to, by=by, at=timezone.now(), reason=reason
    )
    if previous == Match.Status.REQUESTED and to != previous:
        notifications_cancel(about=match, kinds=WAITING_REQUEST_KINDS)
    return match


def requests_no_longer_waiting(match_ids: list[int]) -> None:
    """`match_transition`'s clean-up for matches moved in bulk (a batch of approvals)."""
    notifications_cancel_many(about=Match, ids=match_ids, kinds=WAITING_REQUEST_KINDS)


def match_created(*, match: Match, by: User | None, reason: str = "") -> None:
    """Record the first state of a newly created match in its history."""
    MatchTransition.objects.create(match=match, from_status="", to_status=match.status, by=by, reason=reason)
