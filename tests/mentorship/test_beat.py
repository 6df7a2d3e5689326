"""Every periodic job the beat schedules is a task the worker knows (a typo would only show as lost work)."""

from __future__ import annotations

from django.conf import settings

from mentorship.celery import app


def test_every_scheduled_task_is_registered_with_the_worker() -> None:
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "matching.tasks.enrol_invited" in scheduled
    assert scheduled <= set(app.tasks)
