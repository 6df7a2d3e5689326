"""Coordinators see meetings and session logs (never the private notes) in the admin."""

from __future__ import annotations

from django.contrib import admin

from meetings.models import Meeting, SessionLog


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("start", "match", "status", "format", "duration_minutes", "sequence")
    list_filter = ("status", "format", "match__program")
    date_hierarchy = "start"
    raw_id_fields = ("match", "proposed_by", "cancelled_by")
    list_select_related = ("match__mentor__user", "match__trainee__user")


@admin.register(SessionLog)
class SessionLogAdmin(admin.ModelAdmin):
    list_display = ("date", "match", "duration_minutes")
    list_filter = ("match__program",)
    date_hierarchy = "date"
    # Private notes belong to the mentor alone: not even coordinators read them here.
    exclude = ("notes_private",)
    raw_id_fields = ("match", "meeting", "author")
    list_select_related = ("match__mentor__user", "match__trainee__user")


# Feedback and check-in answers are not in the admin on purpose: coordinators see only the totals
# (/meetings/feedback-summary/), single answers stay between the two people.
