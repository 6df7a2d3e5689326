"""The e-mail for one outbox row: rendered, addressed, and with a Message-ID that every copy of it shares."""

from __future__ import annotations

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from notifications.models import Notification
from notifications.rendering import render_email


def message_id(notification: Notification) -> str:
    """The same Message-ID for every copy of one message, so the duplicate the design allows (the worker died after
    the mail server accepted) is recognisable as such: mail servers and clients that drop a repeated Message-ID
    (Gmail is reported to) can show it once. The row's creation time and key make it unique across databases
    (staging and production both have a row 42; reusing one id for two different messages would hide the second)."""
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = sender.rpartition("@")[2] or "localhost"
    unique = hashlib.sha256(
        f"{notification.pk}:{notification.dedup_key}:{notification.created_at.isoformat()}".encode()
    )
    return f"<notification.{notification.pk}.{unique.hexdigest()[:24]}@{domain}>"


def build_message(notification: Notification, connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
    rendered = render_email(notification)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        connection=connection,
        headers={
            "X-Mentorship-Notification": str(notification.pk),
            "Message-ID": message_id(notification),
            # RFC 3834: sent by a program, so vacation replies and other auto-responders do not answer it.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in rendered.attachments:
        message.attach(attachment.mime_part())
    return message
