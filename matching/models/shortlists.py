"""Trainees' shortlists: the mentors they starred, the top three ranked."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from profiles.models import MentorProfile, TraineeProfile


class ShortlistEntry(models.Model):
    """A mentor a trainee starred; `rank` 1–3 orders the top three (their preferences in cohort rounds)."""

    trainee = models.ForeignKey(TraineeProfile, on_delete=models.CASCADE, related_name="shortlist")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="shortlisted_by")
    rank = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [models.F("rank").asc(nulls_last=True), "created_at"]
        verbose_name_plural = "shortlist entries"
        constraints = [
            models.UniqueConstraint(fields=["trainee", "mentor"], name="shortlist_once_per_mentor"),
            models.UniqueConstraint(
                fields=["trainee", "rank"], condition=Q(rank__isnull=False), name="shortlist_rank_unique"
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1, rank__lte=3), name="shortlist_rank_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} ☆ {self.mentor}"
