"""People: users (e-mail login), the specialty taxonomy, career stages, focus areas and the two profiles."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import date
from enum import IntFlag
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from profiles.names import first_name, validate_person_name

COORDINATORS_GROUP = "Coordinators"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # The whole address is case-insensitive here: people type their e-mail in any case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_confirmed_at", timezone.now())  # made by the operator on the command line
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, validators=[validate_person_name])
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin (coordinators).")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    email_confirmed_at = models.DateTimeField(
        "e-mail confirmed",
        null=True,
        blank=True,
        help_text="When the person opened a link sent to this address (sign-up or password reset); empty until "
        "then. Only a confirmed address is trusted for enrolment from a list and for invitations.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The first name, to greet someone by: "Maya" for "Dr Maya Patel" (not "Hello Dr,")."""
        return first_name(self.full_name) or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def is_coordinator(self) -> bool:
        return self.is_staff and (self.is_superuser or self.groups.filter(name=COORDINATORS_GROUP).exists())


class Specialty(models.Model):
    """A specialty or sub-specialty. Sub-specialties point to their parent (cardiology → internal medicine)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subspecialties")
    is_acgme_core = models.BooleanField(default=False, help_text="One of the ACGME core specialties.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name

    def family(self) -> Specialty:
        """The top-level specialty this one belongs to (itself for a core specialty)."""
        return self.parent if self.parent_id and self.parent is not None else self

    def clean(self) -> None:
        if self.parent_id and self.parent is not None and self.parent.parent_id:
            raise ValidationError({"parent": "A sub-specialty's parent must be a top-level specialty."})
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "A specialty cannot be its own parent."})
        if self.pk and self.parent_id:
            children = list(Specialty.objects.filter(parent_id=self.pk).order_by("name").values_list("name", flat=True))
            if children:
                # Two levels only: its sub-specialties would drop out of the grouped choices, and their family
                # (scoring, the directory's "includes sub-specialists") would be wrong.
                raise ValidationError(
                    {"parent": f"{self.name} has sub-specialties ({', '.join(children)}), so it stays top-level."}
                )


class CareerStage(models.IntegerChoices):
    """Ordered: a mentor must be further along than the trainee they mentor."""

    PRECLINICAL_STUDENT = 0, "Pre-clinical student"
    CLINICAL_STUDENT = 1, "Clinical student"
    INTERN = 2, "Intern (PGY-1)"
    RESIDENT = 3, "Resident"
    CHIEF_RESIDENT = 4, "Chief/senior resident"
    FELLOW = 5, "Fellow"
    EARLY_CAREER = 6, "Early-career attending (< 5 years)"
    MID_CAREER = 7, "Mid-career attending"
    SENIOR = 8, "Senior attending"


class FocusArea(models.Model):
    """What a trainee seeks and a mentor offers (career planning, research, wellbeing, …)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    code = models.CharField(max_length=12, unique=True, help_text="ISO 639 code, e.g. 'es'.")
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MeetingFormat(IntFlag):
    IN_PERSON = 1
    VIDEO = 2
    PHONE = 4

    @property
    def label(self) -> str:
        return {1: "In person", 2: "Video", 4: "Phone"}[int(self)]


MEETING_FORMAT_CHOICES = [(str(int(f)), f.label) for f in MeetingFormat]


#: Files the zone database holds that are no place's zone: `localtime` is Debian's link to the server's own clock
#: setting (a person's zone would follow whichever server read it), `Factory` reads "-00", `posixrules` is a default.
NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA zone names a person may have (legacy aliases too), read from disk once."""
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(f"“{value}” is not a known time zone. Use a name such as America/New_York.")


def validate_meeting_formats(value: int) -> None:
    if value <= 0 or value > sum(MeetingFormat):
        raise ValidationError("Choose at least one meeting format.")


def format_labels(value: int) -> list[str]:
    return [f.label for f in MeetingFormat if value & f]


class ProfileBase(models.Model):
    user: models.OneToOneField[User, User]
    institution = models.CharField(max_length=200, blank=True)
    career_stage = models.PositiveSmallIntegerField(choices=CareerStage.choices)
    languages = models.ManyToManyField(Language)
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    meeting_formats = models.PositiveSmallIntegerField(
        default=MeetingFormat.VIDEO, validators=[validate_meeting_formats], help_text="Bit set of MeetingFormat."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.user)

    def meeting_format_labels(self) -> list[str]:
        return format_labels(self.meeting_formats)

    def zone(self) -> zoneinfo.ZoneInfo:
        """The profile's time zone (UTC for a value that is no zone: the field validates new ones)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class MentorProfile(ProfileBase):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mentor_profile")
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="mentors")
    subspecialties = models.ManyToManyField(Specialty, blank=True, related_name="mentors_sub")
    focus_areas = models.ManyToManyField(FocusArea, related_name="mentors", verbose_name="focus areas offered")
    capacity = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many mentees at once (1–10).",
    )
    accepting_mentees = models.BooleanField(default=True)
    bio = models.TextField(blank=True)
    assesses: models.ManyToManyField[TraineeProfile, Any] = models.ManyToManyField(
        "TraineeProfile",
        blank=True,
        related_name="assessed_by",
        help_text="Trainees this mentor supervises or assesses: they are never matched together.",
    )

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1, capacity__lte=10), name="mentor_capacity_1_10"),
        ]

    def clean(self) -> None:
        # Approval refuses a mentor at capacity, but lowering the capacity below the mentees they already have
        # would leave "3 of 1 places taken". Here, so the profile service (pages, API) and the admin form refuse it.
        if self.pk is None or not isinstance(self.capacity, int) or self.capacity < 1:
            return
        stored = type(self).objects.filter(pk=self.pk).values_list("capacity", flat=True).first()
        if stored is not None and self.capacity >= stored:
            return  # not lowered: an unrelated edit of a mentor already over capacity (older data) still saves
        mentees = self.active_match_count()
        if self.capacity < mentees:
            raise ValidationError(
                {
                    "capacity": f"There are {mentees} current mentees, so the capacity cannot be lower than {mentees}. "
                    "To take no new mentees, untick “Accepting new mentees” instead."
                }
            )

    def active_match_count(self) -> int:
        """Mentees this mentor has now (approved matches); capacity is checked against it under a row lock."""
        return self.matches.filter(status="approved").count()  # type: ignore[attr-defined]

    def free_places(self) -> int:
        return max(self.capacity - self.active_match_count(), 0)


class TraineeProfile(ProfileBase):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="trainee_profile")
    specialty_interests = models.ManyToManyField(Specialty, related_name="interested_trainees")
    focus_areas = models.ManyToManyField(FocusArea, related_name="trainees", verbose_name="focus areas sought")
    statement = models.TextField(blank=True, help_text="What they want from mentoring.")

    class Meta:
        ordering = ["user__full_name"]


def trainees_today(trainee: TraineeProfile) -> date:
    """The date on the trainee's own calendar: it decides whether her goal's target date is in the past or overdue
    (a Chicago evening is already tomorrow in UTC)."""
    return timezone.localdate(timezone=trainee.zone())


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    trainee = models.ForeignKey(TraineeProfile, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    focus_area = models.ForeignKey(FocusArea, null=True, blank=True, on_delete=models.SET_NULL)
    description = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    #: The day, on the trainee's calendar, she last set the progress or status herself (None: never): what her data
    #: export says.
    progress_set_by_trainee_on = models.DateField(null=True, blank=True, editable=False)
    #: The moment she did. A session held before it (a mentor in another zone included) records its figure without
    #: moving the goal (`meetings.selectors.progress_recorded_after`): two people's calendar dates do not compare.
    progress_set_by_trainee_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "target_date", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="goal_progress_max_100")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its target date on the trainee's calendar (`today`: that date, if the caller has it) and not done."""
        today = today or (trainees_today(self.trainee) if self.trainee_id else timezone.localdate())
        return bool(self.target_date and self.target_date < today and self.status in {"not_started", "in_progress"})
