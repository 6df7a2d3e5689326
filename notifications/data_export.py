"""The messages sent to a person, as their section of their data export (`profiles.data_export`).

Every row addressed to their account, in-app or e-mail, whatever became of it (queued, sent, failed, cancelled),
with the subject they read or would read. Not the outbox's workings (the claim, the attempts, the mail server's
error, the dedup key) nor the template's context: what matters to the person is what was sent them, and when.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from notifications.models import Notification
from notifications.rendering import inbox_entries
from profiles.data_export import export_section_register
from profiles.models import User


class ExportNotificationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="What the message is about (`meeting_reminder`, `match_approved`, …).")
    subject = serializers.CharField(help_text="As in the e-mail's subject line and the inbox.")
    object_type = serializers.CharField(help_text='What it is about, by name ("match", "meeting"); "" for nothing.')
    object_id = serializers.IntegerField(allow_null=True)
    by_email = serializers.BooleanField(help_text="Sent (or to be sent) by e-mail too.")
    in_app = serializers.BooleanField(help_text="Shown in the in-app inbox.")
    state = serializers.ChoiceField(choices=Notification.State.choices)
    due_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


def _notifications(user: User) -> list[dict[str, Any]]:
    rows = Notification.objects.filter(recipient=user).select_related("recipient").order_by("-due_at", "-pk")
    # Subjects are rendered as the inbox renders them: the objects they are about loaded together, one query per kind.
    return [
        {
            "id": entry.notification.pk,
            "kind": entry.notification.kind,
            "subject": entry.subject,
            "object_type": entry.notification.object_type,
            "object_id": entry.notification.object_id,
            "by_email": entry.notification.email,
            "in_app": entry.notification.in_app,
            "state": entry.notification.state,
            "due_at": entry.notification.due_at,
            "expires_at": entry.notification.expires_at,
            "sent_at": entry.notification.sent_at,
            "read_at": entry.notification.read_at,
            "created_at": entry.notification.created_at,
        }
        for entry in inbox_entries(rows)
    ]


def register_export_sections() -> None:
    export_section_register(
        "notifications",
        _notifications,
        serializer=ExportNotificationSerializer,
        many=True,
        help_text="Every message addressed to the account, in-app or by e-mail, newest first.",
    )
