"""Programs (cohorts), matches and their lifecycle, matching rounds, and trainees' shortlists."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from profiles.models import MentorProfile, TraineeProfile

DEFAULT_WEIGHTS: dict[str, float] = {
    "specialty": 3.0,
    "career_stage": 2.0,
    "focus_areas": 3.0,
    "language": 1.0,
    "time_zone": 1.0,
    "meeting_format": 1.0,
    "institution": 0.5,
    "shortlist": 2.0,
}


#: Weights are relative, so a few digits are plenty; a huge one (1e308) overflows the engine's float32 sums and
#: every score becomes "nan".
MAX_WEIGHT = 100


def default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


def default_reminder_lead_hours() -> list[int]:
    return [24, 1]


def validate_weights(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError("Weights must be an object of component → number.")
    unknown = set(value) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValidationError(f"Unknown weight(s): {', '.join(sorted(unknown))}.")
    # The range check also refuses NaN and ±infinity (every comparison with NaN is false).
    out_of_range = [
        f"Weight “{name}” must be a number from 0 to {MAX_WEIGHT}."
        for name, weight in value.items()
        if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 <= weight <= MAX_WEIGHT
    ]
    if out_of_range:
        raise ValidationError(out_of_range)
    if not any(value.get(name, 0) for name in DEFAULT_WEIGHTS):
        raise ValidationError("At least one weight must be above 0.")


def _positive(weight: Any) -> bool:
    return isinstance(weight, int | float) and not isinstance(weight, bool) and weight > 0


def validate_lead_hours(value: Any) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(h, int) and 0 < h <= 24 * 14 for h in value):
        raise ValidationError("Reminder lead times are a list of whole hours between 1 and 336, e.g. [24, 1].")


class Program(models.Model):
    class InstitutionRule(models.TextChoices):
        PLUS = "plus", "Prefer the same institution"
        MINUS = "minus", "Prefer a different institution"
        NEUTRAL = "neutral", "Ignore institution"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    coordinators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_programs")
    open_to_all = models.BooleanField(default=True, help_text="Every mentor and trainee may take part.")
    mentors = models.ManyToManyField(MentorProfile, blank=True, related_name="programs")
    trainees = models.ManyToManyField(TraineeProfile, blank=True, related_name="programs")

    # Scoring: weights per component and the hard rules.
    weights = models.JSONField(default=default_weights, validators=[validate_weights])
    institution_rule = models.CharField(max_length=10, choices=InstitutionRule.choices, default=InstitutionRule.NEUTRAL)
    stage_gap_best = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(8)], help_text="Ideal stages ahead."
    )
    time_zone_cap_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(12)], help_text="Exclude pairs further apart (hours)."
    )

    # Requests.
    max_open_requests = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    request_reminder_days = models.PositiveSmallIntegerField(default=7, validators=[MinValueValidator(1)])
    request_expiry_days = models.PositiveSmallIntegerField(default=14, validators=[MinValueValidator(1)])

    # Cadence used by meetings.
    reminder_lead_hours = models.JSONField(default=default_reminder_lead_hours, validators=[validate_lead_hours])
    inactivity_days = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1)])
    first_checkin_days = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1)])
    checkin_every_days = models.PositiveSmallIntegerField(default=60, validators=[MinValueValidator(1)])
    first_meeting_days = models.PositiveSmallIntegerField(
        default=21, validators=[MinValueValidator(1)], help_text="Flag approved matches with no meeting after this."
    )

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The program cannot end before it starts."
        reminder, expiry = self.request_reminder_days, self.request_expiry_days
        if isinstance(reminder, int) and isinstance(expiry, int) and reminder >= expiry:
            errors["request_reminder_days"] = (
                f"Requests expire after {expiry} days, so the reminder must come sooner: fewer than {expiry} days, "
                "or let requests expire later."
            )
        if self._only_institution_counts():
            errors["weights"] = (
                "With “Ignore institution” the institution weight does not count: give another component a weight "
                "above 0, or choose another institution rule."
            )
        if errors:
            raise ValidationError(errors)

    def _only_institution_counts(self) -> bool:
        """The engine ignores the institution weight under the neutral rule (and takes the default for a missing
        one); with nothing else above 0 it could not score anyone."""
        if self.institution_rule != self.InstitutionRule.NEUTRAL or not isinstance(self.weights, dict):
            return False
        if not _positive(self.weights.get("institution")):
            return False  # all zero: validate_weights says so
        counted = {**DEFAULT_WEIGHTS, **self.weights}
        return not any(_positive(weight) for name, weight in counted.items() if name != "institution")


class MatchQuerySet(models.QuerySet["Match"]):
    def live(self) -> MatchQuerySet:
        return self.filter(status__in=Match.LIVE)

    def active(self) -> MatchQuerySet:
        return self.filter(status=Match.Status.APPROVED)

    def open_requests(self) -> MatchQuerySet:
        return self.filter(status=Match.Status.REQUESTED)


class Match(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        ENDED = "ended", "Ended"

    class Origin(models.TextChoices):
        REQUEST = "request", "Trainee request"
        ROUND = "round", "Matching round"

    LIVE = (Status.REQUESTED, Status.PROPOSED, Status.APPROVED)
    UNDECIDED = (Status.REQUESTED, Status.PROPOSED)

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="matches")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="matches")
    trainee = models.ForeignKey(TraineeProfile, on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    round = models.ForeignKey(
        "MatchingRound", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    # Snapshotted when the match is created, so a later profile edit never rewrites why it was proposed.
    score = models.FloatField(null=True, blank=True)
    score_breakdown = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, help_text="What the trainee hopes to get from it.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    at_risk_since = models.DateTimeField(null=True, blank=True)
    at_risk_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "mentor"],
                condition=Q(status__in=["requested", "proposed", "approved"]),
                name="match_one_live_per_pair",
            ),
            models.UniqueConstraint(
                fields=["program", "trainee"],
                condition=Q(status="approved"),
                name="match_one_approved_per_trainee_per_program",
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"], name="match_mentor_status_idx"),
            models.Index(fields=["program", "status"], name="match_program_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} ↔ {self.mentor} ({self.get_status_display()})"

    def is_undecided(self) -> bool:
        return self.status in self.UNDECIDED


class MatchTransition(models.Model):
    """Audit history: every status change of a match, who made it and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Match.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Match.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


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


INVITATION_VALID_DAYS = 90  # as long as the sign-up link in its e-mail works
INVITATION_REMINDER_DAYS = 7  # someone with no account yet is reminded once, this long after the invitation


def invitation_expiry() -> datetime:
    """The end of the day, INVITATION_VALID_DAYS from today, in the site's time zone: what "open until 28
    February" in the e-mails and on the page means."""
    last_day = timezone.localdate() + timedelta(days=INVITATION_VALID_DAYS)
    return timezone.make_aware(datetime.combine(last_day, time(23, 59, 59)))


class ProgramInvitation(models.Model):
    """Someone listed for a program who has no account, or not the profile of their role, yet: enrolled as soon as
    they have it (`matching.services.invitations`), unless it expired first (listing them again renews it). The
    address is stored lower-cased, as accounts store it."""

    class Role(models.TextChoices):
        TRAINEE = "trainee", "Trainee"
        MENTOR = "mentor", "Mentor"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=10, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=invitation_expiry)

    class Meta:
        ordering = ["email", "role"]
        constraints = [
            models.UniqueConstraint(fields=["program", "email", "role"], name="invitation_once_per_role"),
        ]
        indexes = [models.Index(fields=["enrolled_at", "email"], name="invitation_pending_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role}) → {self.program}"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.enrolled_at is None and self.expires_at <= (now or timezone.now())
