"""The outbox in the admin: coordinators see the messages about their own programs and retry the failed ones.

A message refers to what it is about by name only ("meeting", 42) and this app sits below matching and meetings,
so it cannot tell which program a row belongs to. The apps above register, per object type, which of their objects
a coordinator may see (`register_coordinator_scope`); a row of a type nobody registered is shown to superusers
only, so a new kind of message is hidden until someone decides who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from mentorship.admin_readonly import WrittenByServices
from mentorship.admin_search import BoundedSearch
from notifications.models import Notification
from notifications.services import RetryResult, notifications_retry
from profiles.models import User

#: The ids of the objects of one type a coordinator may see (a queryset of primary keys, used as a subquery).
CoordinatorScope = Callable[[User], QuerySet[Any]]
_coordinator_scopes: dict[str, CoordinatorScope] = {}

_SKIPPED_BECAUSE: dict[str, str] = {
    Notification.State.CANCELLED: "cancelled on purpose (a cancelled meeting, a withdrawn invitation, an inactive "
    "account), so they stay cancelled",
    Notification.State.SENT: "already sent",
    Notification.State.PENDING: "still waiting to be sent",
    Notification.State.SENDING: "being sent now",
}


def register_coordinator_scope(object_type: str, ids_for: CoordinatorScope) -> None:
    """Let a higher app say which of its objects' messages a coordinator may see and retry (their programs')."""
    _coordinator_scopes[object_type] = ids_for


def visible_to(user: User) -> Q:
    """The rows a coordinator may see: their own messages and those about their programs' objects."""
    visible = Q(recipient=user)
    for object_type, ids_for in _coordinator_scopes.items():
        visible |= Q(object_type=object_type, object_id__in=ids_for(user))
    return visible


def retry_message(result: RetryResult) -> str:
    parts = [f"{result.requeued} failed message(s) queued again."]
    if result.expired:
        parts.append(
            f"{result.expired} cancelled instead: reminders for meetings that have begun would only arrive too late."
        )
    if result.skipped:
        reasons = "; ".join(
            f"{count} {_SKIPPED_BECAUSE.get(state, state)}" for state, count in sorted(result.skipped.items())
        )
        parts.append(f"{sum(result.skipped.values())} not failed, left as they are: {reasons}.")
    return " ".join(parts)


def kind_label(kind: str) -> str:
    """ "meeting_feedback_prompt" → "Meeting feedback prompt": the outbox speaks words, not identifiers."""
    return kind.replace("_", " ").capitalize()


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        kinds = model_admin.get_queryset(request).order_by("kind").values_list("kind", flat=True).distinct()
        return [(kind, kind_label(kind)) for kind in kinds]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


# The outbox is written by the services and the dispatcher alone: an edited or added row would skip the claim, the
# dedup key and the retry path, and a deleted one would lose what was sent. Retry is the one change.
@admin.register(Notification)
class NotificationAdmin(WrittenByServices, BoundedSearch, admin.ModelAdmin):
    list_display = ("what", "addressee", "state", "due", "attempts", "sent", "email", "in_app", "short_error")
    list_filter = ("state", KindFilter, "email")
    search_fields = ("recipient__email", "recipient__full_name", "to_address", "kind", "dedup_key")
    date_hierarchy = "due_at"
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    readonly_fields = (
        "dedup_key",
        "claim",
        "claimed_at",
        "sent_at",
        "attempts",
        "attempts_without_result",
        "last_error",
        "created_at",
    )
    actions = ("retry",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        rows = super().get_queryset(request)
        user = request.user
        if not isinstance(user, User):
            return rows.none()
        if user.is_superuser:
            return rows
        return rows.filter(visible_to(user))

    # A coordinator has no zone of their own: the columns say the zone the admin shows times in.
    @admin.display(description=f"Due ({settings.TIME_ZONE})", ordering="due_at")
    def due(self, obj: Notification) -> datetime:
        return obj.due_at

    @admin.display(description=f"Sent ({settings.TIME_ZONE})", ordering="sent_at")
    def sent(self, obj: Notification) -> datetime | None:
        return obj.sent_at

    @admin.display(description="kind", ordering="kind")
    def what(self, obj: Notification) -> str:
        return kind_label(obj.kind)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Coordinators only view the outbox (no change permission): retrying is the one thing they do to it, and
        # only to the rows get_queryset shows them.
        user = request.user
        return isinstance(user, User) and user.is_active and user.is_coordinator() and self.has_view_permission(request)

    @admin.display(description="To", ordering="recipient__full_name")
    def addressee(self, obj: Notification) -> str:
        return str(obj.recipient) if obj.recipient is not None else f"{obj.to_address} (no account)"

    @admin.display(description="Last error")
    def short_error(self, obj: Notification) -> str:
        return obj.last_error[:80]

    @admin.action(description="Retry the selected failed messages", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        result = notifications_retry(ids=queryset.values_list("pk", flat=True))
        level = messages.SUCCESS if result.requeued else messages.WARNING
        self.message_user(request, retry_message(result), level)
