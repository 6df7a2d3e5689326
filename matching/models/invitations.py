"""Invitations: people listed for a program who have no account or profile of their role yet."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.utils import timezone

from matching.models.programs import Program

INVITATION_VALID_DAYS = 90  # as long as the sign-up link in its e-mail works
INVITATION_REMINDER_DAYS = 7  # someone with no account yet is reminded once, this long after the invitation


#: The last zone to finish a day (UTC−12). An invitation's last day ends there: the invited have no account yet, so
#: no zone of their own, and "open until 28 February" must still hold on 28 February in Honolulu or Samoa.
ANYWHERE_ON_EARTH = dt_timezone(timedelta(hours=-12))


def invitation_expiry() -> datetime:
    """The end of the day INVITATION_VALID_DAYS from today (the site's date) anywhere on earth: what "open until
    28 February" in the e-mails and on the page means (`ProgramInvitation.last_day`)."""
    last_day = timezone.localdate() + timedelta(days=INVITATION_VALID_DAYS)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=ANYWHERE_ON_EARTH)


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
    # The account told of the invitation, its address confirmed then: the invitation follows it if a coordinator
    # corrects that address afterwards (matching by address alone left it waiting for the old one for good).
    account = models.ForeignKey(
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

    @property
    def last_day(self) -> date:
        """The day the e-mails and pages say it is open until (invitations made before it ended at 23:59:59 in the
        site's zone, UTC by default, which is the same day here)."""
        return self.expires_at.astimezone(ANYWHERE_ON_EARTH).date()

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.enrolled_at is None and self.expires_at <= (now or timezone.now())
