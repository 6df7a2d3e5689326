"""An e-mail backend for benchmarks: builds each MIME message (so templates and the .ics are really rendered and
encoded) and counts it instead of talking to a mail server."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class BuildOnlyBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            message.message().as_bytes()
        return len(email_messages)
