"""Data: cancelling a meeting now cancels its failed messages too, so the outbox's Retry cannot send a reminder for
a meeting that is off. Apply that to meetings cancelled before. Reversing leaves them cancelled."""

from django.db import migrations


def cancel_failed(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Notification = apps.get_model("notifications", "Notification")
    cancelled = Meeting.objects.filter(status="cancelled").values_list("pk", flat=True)
    Notification.objects.filter(object_type="meeting", object_id__in=cancelled, state="failed").update(
        state="cancelled"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_session_log_submission"),
        ("notifications", "0003_notification_to_address"),
    ]

    operations = [migrations.RunPython(cancel_failed, migrations.RunPython.noop)]
