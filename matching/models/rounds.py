"""Matching rounds: one run of the engine over a program's cohort, its progress and its quality report."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from matching.models.programs import Program


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
    quality = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_algorithm_display()} · {self.created_at:%-d %b %Y, %H:%M} UTC"

    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
