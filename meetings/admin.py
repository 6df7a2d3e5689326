"""Coordinators see the meetings and session logs (never the private notes) of the programs they coordinate.

Rows come from `matching.admin_views.access.matches_for`, as in the match admin: another program's meeting or log
is neither listed nor opened (its change page sends the coordinator back, as for a row that does not exist).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from matching.admin.matches import match_page_inline_register
from matching.admin_views import access
from matching.models import Match
from meetings.models import CheckIn, Meeting, SessionLog
from meetings.people import role_in
from meetings.templatetags.meeting_tags import wall_clock
from mentorship.admin_lookups import NoLookupsOn
from mentorship.admin_readonly import WrittenByServices
from notifications.admin import register_coordinator_scope
from profiles.access import signed_in_user
from profiles.models import User


def _matches_of(request: HttpRequest) -> QuerySet[Match]:
    return access.matches_for(signed_in_user(request))


# A meeting is written through the services alone (propose, accept, move, cancel): a plain save here would skip its
# reminders, its sequence number and the messages to both people.
@admin.register(Meeting)
class MeetingAdmin(WrittenByServices, admin.ModelAdmin):
    list_display = ("start_utc", "local_times", "match", "status", "format", "duration_minutes", "sequence")
    # Only the programs this coordinator's rows belong to are offered, never every program's name.
    list_filter = ("status", "format", ("match__program", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "start"
    raw_id_fields = ("match", "proposed_by", "cancelled_by")
    # The page is read-only, but Django still builds its form: a link without a scheme reads as https, as in the
    # proposal form (and as Django 6 will by default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_select_related = ("match__mentor__user", "match__trainee__user")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return super().get_queryset(request).filter(match__in=_matches_of(request))

    # A coordinator has no zone of their own: a bare "9 a.m." would be read as theirs. The instant is said in UTC,
    # and each person's wall clock beside it, as each of them reads it.
    @admin.display(description="start", ordering="start")
    def start_utc(self, obj: Meeting) -> str:
        return f"{obj.start.astimezone(UTC):%a %-d %b %Y, %H:%M} UTC"

    # With its day, as on their own pages: a bare "10:00" beside "Sun 10 Jan" reads as that day's, when for someone
    # in Sydney it is Monday morning.
    @admin.display(description="for them")
    def local_times(self, obj: Meeting) -> str:
        people = (("mentor", obj.match.mentor), ("trainee", obj.match.trainee))
        return "; ".join(f"{role} {wall_clock(obj.start, profile.zone())}" for role, profile in people)


# A session log is the mentor's record, written through the services (with its goal progress and follow-ups).
@admin.register(SessionLog)
class SessionLogAdmin(NoLookupsOn, WrittenByServices, admin.ModelAdmin):
    list_display = ("date", "match", "duration_minutes")
    list_filter = (("match__program", admin.RelatedOnlyFieldListFilter),)
    date_hierarchy = "date"
    # Private notes belong to the mentor alone: not even coordinators read them here.
    exclude = ("notes_private",)
    # ?notes_private__istartswith=… would list a log or not, and so spell out its private note letter by letter.
    lookups_refused = frozenset(exclude)
    raw_id_fields = ("match", "meeting", "author")
    list_select_related = ("match__mentor__user", "match__trainee__user")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SessionLog]:
        return super().get_queryset(request).filter(match__in=_matches_of(request))


# Feedback answers are not in the admin on purpose: coordinators see only the totals (/meetings/feedback-summary/).
# A check-in is asked for the coordinator: its comment ("Anything to add?") and a low answer (1 or 2, which flags the
# match at risk) are shown on the match's page, as the check-in form says; other answers count in the totals only.
class CheckInInline(WrittenByServices, admin.TabularInline):
    """The check-ins of a match that its coordinators read: those with a comment and those that alerted them. Never
    shown to a coordinator who is the match's mentor or trainee (the form promises the other person never reads
    them)."""

    model = CheckIn
    fields = ("created_at", "period", "answered_by", "going_well", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "check-in answer"
    verbose_name_plural = "Check-ins with a comment or a low answer (read by the program's coordinators only)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CheckIn]:
        low = models.Q(going_well__lte=CheckIn.ALERT_AT_MOST)
        return (
            super()
            .get_queryset(request)
            .filter(low | ~models.Q(comment=""))
            .select_related("respondent", "match__mentor__user", "match__trainee__user")
        )

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not access.is_coordinator(request.user):
            return False
        # Asked without a match too (the inline's queryset is empty unless that says yes); the page asks with one.
        return obj is None or (isinstance(obj, Match) and role_in(obj, request.user) is None)

    @admin.display(description="answered by")
    def answered_by(self, checkin: CheckIn) -> str:
        role = role_in(checkin.match, checkin.respondent)
        return f"{checkin.respondent} ({role})" if role else str(checkin.respondent)


match_page_inline_register(CheckInInline)


# The outbox cannot tell which program a message belongs to (notifications sits below meetings), so each app
# above it names the objects of its own a coordinator may see and retry: here, their programs' meetings.
def _meeting_ids(user: User) -> QuerySet[Any]:
    return Meeting.objects.filter(match__in=access.matches_for(user)).values("pk")


register_coordinator_scope("meeting", _meeting_ids)
