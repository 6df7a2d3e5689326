"""Programs (cohorts): who is in them, the engine's weights and rules, and the follow-up timings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from matching.scoring.weights import MAX_WEIGHT, MIN_WEIGHT  # the engine's bounds on a weight
from profiles.models import MentorProfile, TraineeProfile, User

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

#: The components that make up the fit: the shortlist is only a bonus on top of it.
FIT_COMPONENTS = tuple(name for name in DEFAULT_WEIGHTS if name != "shortlist")


def default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


def weights_in_full(value: Any) -> Any:
    """`value` with every component it leaves out at its default, as the engine scores it (`Weights.from_dict`), so
    the stored weights, and their validation, show exactly what is scored. Anything not an object is left for
    `validate_weights` to refuse."""
    if not isinstance(value, dict):
        return value
    return {**DEFAULT_WEIGHTS, **value}


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
    # The engine refuses these too (matching.scoring.Weights): a weight of 1e-40 once turned every score into NaN.
    too_small = [
        f"Weight “{name}” is too small to count: use 0 to leave “{name}” out, or at least {MIN_WEIGHT}."
        for name, weight in value.items()
        if 0 < weight < MIN_WEIGHT
    ]
    if too_small:
        raise ValidationError(too_small)
    if not any(value.get(name, 0) for name in FIT_COMPONENTS):
        raise ValidationError(
            "At least one weight other than the shortlist must be above 0: the shortlist is only a bonus on top of "
            "the fit, so with every other weight at 0 nobody can be scored."
        )


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

    def active_coordinators(self) -> models.QuerySet[User]:
        """Its coordinators who can act on it now: active staff (a deactivated account, or one no longer staff,
        cannot open the admin). Without any, its requests reach the superusers alone and the admin says so."""
        return self.coordinators.filter(is_active=True, is_staff=True)

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
                "With “Ignore institution” the institution weight does not count: give another component (not the "
                "shortlist, only a bonus on top of the fit) a weight above 0, or choose another institution rule."
            )
        if errors:
            raise ValidationError(errors)

    def _only_institution_counts(self) -> bool:
        """The engine ignores the institution weight under the neutral rule (and takes the default for a missing
        one); with no other fit component above 0 (the shortlist is only a bonus) it could not score anyone."""
        if self.institution_rule != self.InstitutionRule.NEUTRAL or not isinstance(self.weights, dict):
            return False
        if not _positive(self.weights.get("institution")):
            return False  # no fit weight at all: validate_weights says so
        counted = {**DEFAULT_WEIGHTS, **self.weights}
        return not any(_positive(counted[name]) for name in FIT_COMPONENTS if name != "institution")
