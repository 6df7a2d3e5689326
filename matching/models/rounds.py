"""Matching rounds: one run of the engine over a program's cohort, its progress and its quality report."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from matching.models.programs import Program

#: A running round whose worker has shown no sign of life for this long lost it (killed, redeployed, out of memory):
#: a redelivered task takes it over, and a new start fails it. The worker writes its heartbeat at each stage; the
#: longest stage of a 20,000 × 4,000 round, the engine's scoring and assigning, took 8 s on two cores busy with
#: tests (bench/round.py, 2026-12-01; 1.4–3 s on a quiet machine, 10–11 s at a load average of 6–8), and the write
#: itself holds the round's row, so it is never taken over. A minute is far from mistaking a slow round for a dead
#: one, and a killed one is picked up again a minute after.
HEARTBEAT_STALE = timedelta(seconds=60)
#: A round still queued this long was never picked up (workers down, its message lost): a new start replaces it.
QUEUED_STALE = timedelta(minutes=30)


class MatchingRound(models.Model):
    class Algorithm(models.TextChoices):
        OPTIMAL = "optimal", "Optimal (highest total fit)"
        STABLE = "stable", "Stable (residency-match style)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rounds")
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices, default=Algorithm.OPTIMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True, help_text="What the worker is doing now.")
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker running the round last showed progress."
    )
    quality = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_algorithm_display()} · {self.created_at:%-d %b %Y, %H:%M} UTC"

    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    def last_sign_of_life(self) -> datetime:
        """When its worker last showed progress (rounds claimed before heartbeats were written: when claimed)."""
        return self.heartbeat_at or self.started_at or self.created_at

    def is_stale(self, now: datetime) -> bool:
        """Queued or running, but nobody is working on it any more: its worker died, or no worker ever took it."""
        if self.status == self.Status.RUNNING:
            return self.last_sign_of_life() < now - HEARTBEAT_STALE
        if self.status == self.Status.QUEUED:
            return self.created_at < now - QUEUED_STALE
        return False
