"""Data: a failed send's `last_error` used to be `str()` of the exception, and SMTPRecipientsRefused's is the dict of
refused recipients, so rows kept the person's e-mail address (shown in the admin's outbox). Take the addresses out of
the rows written before, as `notifications.mail_errors.describe` now leaves them out. Reversing restores nothing."""

import re

from django.db import migrations

# As notifications.mail_errors._ADDRESS at the time of writing (a migration keeps its own copy).
ADDRESS = re.compile(r"<[^<>]*>|[^\s<>()\[\];,:\"']+@[^\s<>()\[\];,:\"']+")


def strip_addresses(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(last_error__contains="@").only("pk", "last_error")
    for row in rows.iterator(chunk_size=500):
        Notification.objects.filter(pk=row.pk).update(last_error=ADDRESS.sub("[address]", row.last_error))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_notification_in_app_after_expiry")]

    operations = [migrations.RunPython(strip_addresses, migrations.RunPython.noop)]
