"""A test e-mail backend that several processes can share: one line per message appended to $TEST_MAIL_LOG, so
the worker tests can count duplicates across worker processes (and across a killed worker)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class AppendFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        path = os.environ["TEST_MAIL_LOG"]
        for message in email_messages:
            mime = message.message()  # build the MIME message as a real backend would (templates already rendered)
            line = (
                f"{message.extra_headers.get('X-Mentorship-Notification', '')}\t{os.getpid()}\t{mime['Message-ID']}\n"
            )
            # One O_APPEND write per message: lines from concurrent processes never interleave.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        return len(email_messages)


def sends_by_notification(path: Path) -> Counter[int]:
    if not path.exists():
        return Counter()
    return Counter(int(line.split("\t")[0]) for line in path.read_text().splitlines() if line.strip())


def message_ids_by_notification(path: Path) -> dict[int, list[str]]:
    """The Message-ID header of every copy sent, by notification id."""
    found: dict[int, list[str]] = {}
    for line in path.read_text().splitlines():
        if line.strip():
            pk, _, message_id = line.split("\t")
            found.setdefault(int(pk), []).append(message_id)
    return found
