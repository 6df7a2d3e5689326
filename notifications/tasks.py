"""Thin Celery tasks: ids in, call the dispatcher (notifications/dispatch.py explains the delivery rules)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from celery import Task, shared_task
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

from notifications import dispatch


@task_prerun.connect
@task_postrun.connect
def _drop_stale_connections(task: Task[Any, Any] | None = None, **kwargs: Any) -> None:
    """With CELERY_DB_REUSE_MAX a worker keeps its connection between tasks, as a web request would; like a web
    request, drop it first if it errored or outlived DB_CONN_MAX_AGE. Not for a task run eagerly (in a test or a
    request): that would close the caller's connection in the middle of its transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    close_old_connections()


def _enqueue_send(notification_id: int, claim: str) -> None:
    send_notification.delay(notification_id, claim)


#: Sends wait on queues of their own (settings.CELERY_TASK_QUEUES), those that expire (meeting reminders) on a
#: separate one, so that they never wait behind a backlog of e-mails that can arrive late.
OUTBOX_QUEUE = "outbox"
URGENT_QUEUE = "outbox-urgent"


@contextmanager
def send_enqueuer(*, urgent: bool = False) -> Iterator[Callable[[int, str], object]]:
    """One broker connection for a whole dispatch run instead of one pool checkout per message."""
    queue = URGENT_QUEUE if urgent else OUTBOX_QUEUE
    with send_notification.app.producer_or_acquire() as producer:
        yield lambda notification_id, claim: send_notification.apply_async(
            (notification_id, claim), producer=producer, queue=queue
        )


@shared_task(name="notifications.tasks.dispatch_due", ignore_result=True)
def dispatch_due() -> dict[str, int]:
    with send_enqueuer() as enqueue, send_enqueuer(urgent=True) as enqueue_urgent:
        return asdict(dispatch.notifications_dispatch_due(enqueue=enqueue, enqueue_urgent=enqueue_urgent))


@shared_task(
    bind=True,
    name="notifications.tasks.send_notification",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # the row bounds retries (its moment, or NOTIFICATIONS_RETRY_HOURS), not Celery's counter
    ignore_result=True,
)
def send_notification(self: Task[Any, Any], notification_id: int, claim: str) -> str:
    result = dispatch.notification_send(notification_id=notification_id, claim=claim)
    if result.outcome == dispatch.Outcome.RETRY:
        raise self.retry(countdown=result.countdown)
    return result.outcome.value
