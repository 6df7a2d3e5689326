from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications.models import Notification
from notifications.services import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "addressee", "state", "due_at", "attempts", "sent_at", "email", "in_app", "short_error")
    list_filter = ("state", "kind", "email")
    search_fields = ("recipient__email", "recipient__full_name", "to_address", "kind", "dedup_key")
    date_hierarchy = "due_at"
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    readonly_fields = ("dedup_key", "claim", "claimed_at", "sent_at", "attempts", "last_error", "created_at")
    actions = ("retry",)

    @admin.display(description="To", ordering="recipient__full_name")
    def addressee(self, obj: Notification) -> str:
        return str(obj.recipient) if obj.recipient is not None else f"{obj.to_address} (no account)"

    @admin.display(description="Last error")
    def short_error(self, obj: Notification) -> str:
        return obj.last_error[:80]

    @admin.action(description="Retry the selected failed or cancelled messages")
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)
