"""Meetings of an approved match, the mentor's session logs, two-way feedback and periodic check-ins."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from matching.models import Match
from profiles.models import FocusArea, Goal

MAX_DURATION_MINUTES = 480


#: The detail each meeting format needs: where to go, the link to join, the number to call.
DETAIL_FIELD = {"in_person": "place", "video": "video_link", "phone": "phone"}
#: Teams and Zoom links with their tracking parameters run to several hundred characters.
VIDEO_LINK_MAX_LENGTH = 2000
#: An agenda, a session's notes, feedback and check-in comments: as long as a profile's statement.
TEXT_MAX_LENGTH = 4000


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def live(self) -> MeetingQuerySet:
        return self.filter(status__in=Meeting.LIVE)

    def involving(self, user: object) -> MeetingQuerySet:
        return self.filter(Q(match__mentor__user=user) | Q(match__trainee__user=user))

    def agreed(self) -> MeetingQuerySet:
        """Meetings both people agreed to, held or still ahead: what "the match has had or booked its (first)
        meeting" means everywhere (the at-risk flag, the coordinator's health page, the home page's prompt). A
        proposal the other person has not accepted is not a meeting yet, whatever its time."""
        return self.filter(status=Meeting.Status.ACCEPTED)


class Meeting(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        CANCELLED = "cancelled", "Cancelled"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    LIVE = (Status.PROPOSED, Status.ACCEPTED)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(help_text="Stored in UTC; shown to each person in their own time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    place = models.CharField(max_length=200, blank=True, help_text="Where to meet in person.")
    video_link = models.URLField(max_length=VIDEO_LINK_MAX_LENGTH, blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="The number to call.")
    agenda = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    # RFC 5545 SEQUENCE: every change a calendar must apply (new time, cancellation) increments it.
    sequence = models.PositiveIntegerField(default=0)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["match", "start"], name="meeting_match_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="meeting_duration_5_480",
            )
        ]

    def __str__(self) -> str:
        return f"Meeting {self.start:%-d %b %Y, %H:%M} UTC ({self.get_status_display()})"

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    def is_upcoming(self, now: datetime | None = None) -> bool:
        return self.status in self.LIVE and self.end > (now or timezone.now())

    def can_change(self, now: datetime | None = None) -> bool:
        """Whether it can still be accepted, moved or cancelled: live, and not begun (the services' rule)."""
        return self.status in self.LIVE and self.start > (now or timezone.now())

    def is_proposal_to(self, user: object) -> bool:
        """The other person proposed it and it waits for `user`'s answer: cancelling it is declining it."""
        return self.status == self.Status.PROPOSED and self.proposed_by_id != getattr(user, "pk", None)

    def lapsed(self, now: datetime | None = None) -> bool:
        """A proposal nobody accepted before its time came: it can no longer be accepted, and never took place."""
        return self.status == self.Status.PROPOSED and self.start <= (now or timezone.now())

    def status_label(self) -> str:
        return "Not accepted" if self.lapsed() else self.get_status_display()

    def is_under_way(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.ACCEPTED and self.start <= now < self.end

    def has_ended(self, now: datetime | None = None) -> bool:
        return self.status == self.Status.ACCEPTED and self.end <= (now or timezone.now())

    def where(self) -> str:
        field = DETAIL_FIELD.get(self.format)
        return str(getattr(self, field)) if field else ""


class SessionLog(models.Model):
    """What the mentor records after a session. `notes_private` is never shown to anyone but its author."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="session_logs")
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="session_log"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    topics = models.ManyToManyField(FocusArea, blank=True, related_name="+")
    notes_shared = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH, help_text="Shown to the trainee.")
    notes_private = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH, help_text="Only you see these.")
    next_steps = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH, help_text="Shown to the trainee.")
    # The id the log form was handed when it was opened: the same form sent twice (a double click, Back and send
    # again) is one log.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"Session {self.date:%-d %b %Y}"


class SessionGoal(models.Model):
    """A trainee goal worked on in a session, with the progress the mentor saw (0–100)."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="goal_updates")
    # RESTRICT: a goal a mentor's log records progress on is not deleted (the log would silently lose it); it is
    # marked Dropped instead. Deleting the whole trainee still removes both, through their logs' cascade.
    goal = models.ForeignKey(Goal, on_delete=models.RESTRICT, related_name="+")
    progress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "goal"], name="session_goal_once"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="session_goal_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.progress} %"


class Feedback(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        TRAINEE = "trainee", "Trainee"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    useful = models.BooleanField()
    went_well = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    to_change = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    good_fit = models.BooleanField(null=True, blank=True, help_text="Asked after the first meeting only.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="feedback_once_per_meeting"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} feedback on {self.meeting_id}: {self.rating}/5"


class CheckIn(models.Model):
    """One person's answer to a periodic check-in survey (period 0 is the first, after first_checkin_days)."""

    #: An answer this low flags the match at risk for its coordinators (the form says so).
    ALERT_AT_MOST = 2

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="checkins")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField()
    going_well = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 = not at all, 5 = very well"
    )
    comment = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["match", "respondent", "period"], name="checkin_once_per_period")
        ]

    def __str__(self) -> str:
        return f"Check-in {self.period} on match {self.match_id}: {self.going_well}/5"
