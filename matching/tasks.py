"""Celery tasks of the matching app: thin, ids in, a service does the work."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.utils import timezone

from matching.models import MatchingRound
from matching.services.invitations import invitation_reminders_cancel, invitations_fulfil
from matching.services.requests import match_requests_expire, match_requests_remind
from matching.services.rounds import round_look_again_in, round_run

#: How many times a task that found its round running under another worker looks again (each about a minute
#: later, once that worker's heartbeat could have gone stale): longer than any round runs.
ROUND_LOOKS = 30

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=ROUND_LOOKS)
def run_round(self: Task, round_id: int) -> None:
    """Run a matching round. A redelivered message finds the round done and does nothing, or finds it running: when
    its worker was killed (the reason for the redelivery), the round's heartbeat stops, and this task looks again
    until it can take the round over."""
    matching_round = MatchingRound.objects.select_related("program", "started_by").filter(pk=round_id).first()
    if matching_round is None:
        return
    matching_round = round_run(matching_round=matching_round)
    wait = round_look_again_in(matching_round)
    if wait is None:
        return
    if self.request.retries >= ROUND_LOOKS:
        logger.warning("Round %s is still running under another worker; this task stops looking.", round_id)
        return
    raise self.retry(countdown=wait)


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
