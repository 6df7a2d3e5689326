"""Matches (a trainee with a mentor in a program) and the audit history of their status changes."""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from matching.models.programs import Program
from profiles.models import MentorProfile, TraineeProfile, User

#: Both of the match's people still take part (neither account deactivated): with someone who left, nothing new is
#: arranged — no meeting proposed, no nudge — and program health lists the match for a coordinator to end.
BOTH_TAKE_PART = Q(mentor__user__is_active=True, trainee__user__is_active=True)


class MatchQuerySet(models.QuerySet["Match"]):
    def live(self) -> MatchQuerySet:
        return self.filter(status__in=Match.LIVE)

    def active(self) -> MatchQuerySet:
        return self.filter(status=Match.Status.APPROVED)

    def open_requests(self) -> MatchQuerySet:
        return self.filter(status=Match.Status.REQUESTED)

    def both_take_part(self) -> MatchQuerySet:
        return self.filter(BOTH_TAKE_PART)

    def someone_left(self) -> MatchQuerySet:
        return self.exclude(BOTH_TAKE_PART)

    def not_involving(self, user: User) -> MatchQuerySet:
        """Matches `user` is neither the mentor nor the trainee of: those a coordinator may decide, and whose at-risk
        flag they may read (`Match.at_risk_visible_to`)."""
        return self.exclude(mentor__user=user).exclude(trainee__user=user)


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
    #: Mentorships that began (approved, or approved and since ended): their sessions can be logged.
    BEGUN = (Status.APPROVED, Status.ENDED)

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

    def request_lapses_at(self) -> datetime:
        """When a request nobody decides lapses (`match_requests_expire` sweeps it then, and tells the trainee)."""
        return self.created_at + timedelta(days=self.program.request_expiry_days)

    def breakdown_visible_to(self, user: User) -> bool:
        """A round's reasons are written from the trainee's side (their specialty, what they seek, whether they
        starred the mentor): the mentor reads them once the trainee shared their profile, by asking (a request) or
        once the match is approved. A round's proposal, approved by no one yet, shows the mentor its score only, as
        the web page does."""
        is_mentor = self.mentor.user_id == user.pk and self.trainee.user_id != user.pk
        return not is_mentor or self.origin == self.Origin.REQUEST or self.status in self.BEGUN

    def _read_as_mentor_only(self, user: User, coordinated_program_ids: Container[int]) -> bool:
        return (
            self.mentor.user_id == user.pk
            and self.trainee.user_id != user.pk
            and self.program_id not in coordinated_program_ids
        )

    def message_visible_to(self, user: User, coordinated_program_ids: Container[int]) -> bool:
        """The trainee's message to the mentor: the mentor reads it while the request awaits a decision, as on their
        My mentees page; once it is closed it is the trainee's again ("I am on medical leave")."""
        return not self._read_as_mentor_only(user, coordinated_program_ids) or self.is_undecided()

    def decision_reason_visible_to(self, user: User, coordinated_program_ids: Container[int]) -> bool:
        """A decline's (or a closed request's) reason is written to the trainee ("Dr X was approved as mentor in …",
        a coordinator's reason to decline): never the mentor's to read. An ended match's reason is `end_reason`,
        which both read."""
        return not self._read_as_mentor_only(user, coordinated_program_ids)

    def both_take_part(self) -> bool:
        """Row form of `BOTH_TAKE_PART` (reads both users: select them with the match)."""
        return self.mentor.user.is_active and self.trainee.user.is_active

    def involves(self, user: User) -> bool:
        """Whether `user` is this match's mentor or trainee (the conflict of interest of
        `matching.services.refusals.ensure_not_a_party`)."""
        return user.pk in (self.mentor.user_id, self.trainee.user_id)

    def at_risk_visible_to(self, user: User, coordinated_program_ids: Container[int]) -> bool:
        """The at-risk flag and its reason are for the program's coordinators only (`coordinated_program_ids`: the
        programs the reader coordinates, read once per list): a reason can rest on one person's feedback ("The
        trainee said it is not a good fit"), which the other does not read. Never for a coordinator who is the
        match's mentor or trainee, as they never decide it: another coordinator of the program looks into it."""
        return self.program_id in coordinated_program_ids and not self.involves(user)


class MatchTransitionQuerySet(models.QuerySet["MatchTransition"]):
    def status_changes(self) -> MatchTransitionQuerySet:
        """Entries that moved the match from one status to another: who decided it, cancelled it or let it expire."""
        return self.exclude(from_status=models.F("to_status"))

    def notes(self) -> MatchTransitionQuerySet:
        """Entries that left the status as it was, kept in the history for what they say (a cleared at-risk flag)."""
        return self.filter(from_status=models.F("to_status"))


class MatchTransition(models.Model):
    """Audit history: every status change of a match, who made it and why, and notes that leave the status as it
    was (a cleared at-risk flag)."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Match.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Match.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    objects = MatchTransitionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"
