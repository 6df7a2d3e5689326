"""Celery tasks of the matching app: thin, ids in, a service does the work."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from matching.models import MatchingRound
from matching.services.invitations import invitation_reminders_cancel, invitations_fulfil
from matching.services.requests import match_requests_expire, match_requests_remind
from matching.services.rounds import round_run


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_round(round_id: int) -> None:
    """Run a matching round. A redelivered message finds the round claimed or done and does nothing."""
    matching_round = MatchingRound.objects.select_related("program", "started_by").filter(pk=round_id).first()
    if matching_round is None:
        return
    round_run(matching_round=matching_round)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_open_requests() -> dict[str, int]:
    """Remind coordinators about requests left open, then expire the oldest (both idempotent)."""
    now = timezone.now()
    return {"reminded": match_requests_remind(now=now), "expired": match_requests_expire(now=now)}


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def enrol_invited() -> int:
    """Enrol invited people who have signed up and made their profile since, and call off the reminders of those
    who have signed up (both idempotent); how many were enrolled."""
    invitation_reminders_cancel()
    return invitations_fulfil()
