"""Thin Celery tasks for meetings."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from meetings.services.followups import matches_follow_up


@shared_task(name="meetings.tasks.schedule_followups", ignore_result=True)
def schedule_followups() -> dict[str, int]:
    return asdict(matches_follow_up())
