"""Data: a meeting reminder now expires when its meeting starts (not sent by then, it is cancelled instead of
announcing a meeting that has begun). Give reminders written before that the same expiry. Reversing leaves it."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

UNSENT = ("pending", "sending", "failed")


def expire_at_start(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Notification = apps.get_model("notifications", "Notification")
    start = Meeting.objects.filter(pk=OuterRef("object_id")).values("start")[:1]
    Notification.objects.filter(
        kind="meeting_reminder", object_type="meeting", state__in=UNSENT, expires_at__isnull=True
    ).update(expires_at=Subquery(start))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_cancel_failed_messages_of_cancelled_meetings"),
        ("notifications", "0004_notification_expires_at"),
    ]

    operations = [migrations.RunPython(expire_at_start, migrations.RunPython.noop)]
