"""Which failures of a send are worth retrying. Django's SMTP backend raises smtplib's exceptions as they come."""

from __future__ import annotations

import smtplib


def is_permanent(error: BaseException) -> bool:
    """The mail server refused this one message for good (a 5xx reply about its recipient or its content: no such
    mailbox, rejected as spam, too large): retrying sends the same refusal, so the row fails at once for a
    coordinator to see. Anything else is retried: a 4xx reply, a server that is down or disconnects, and a refusal
    of our own sender or credentials (a setting to fix, after which every waiting message should still go out)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False
