"""Every periodic job the beat schedules is a task the worker knows (a typo would only show as lost work)."""

from __future__ import annotations

import pytest
from django.conf import settings

from mentorship.celery import app


def test_every_scheduled_task_is_registered_with_the_worker() -> None:
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "matching.tasks.enrol_invited" in scheduled
    assert scheduled <= set(app.tasks)


@pytest.mark.worker
def test_a_send_and_beats_dispatch_each_land_in_one_queue_that_every_worker_consumes() -> None:
    """Sends wait in their own queue so that a backlog of them cannot hold up beat's tasks
    (tests/notifications/test_worker_reliability.py). Each task is published once, and a worker started without -Q
    (as Procfile.dev and docker-compose.yml start it) consumes both queues: otherwise nothing would be sent."""
    import os

    import redis

    from notifications.tasks import dispatch_due, send_notification

    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    broker.flushdb()
    try:
        send_notification.delay(1, "claim")
        dispatch_due.delay()
        lengths = {key.decode(): broker.llen(key) for key in broker.scan_iter() if broker.type(key) == b"list"}
    finally:
        broker.flushdb()
    assert lengths == {"outbox": 1, "celery": 1}
    assert set(app.amqp.queues) == {"outbox", "outbox-urgent", "celery"}  # what `celery worker` consumes without -Q
