"""Which failures of a send are worth retrying, and what may be said about one. Django's SMTP backend raises smtplib's
exceptions as they come."""

from __future__ import annotations

import re
import smtplib

#: An address as a mail server echoes it ("<gone@uni.edu>", "gone@uni.edu"), and anything else in angle brackets
#: (servers put the refused mailbox there, with or without its domain).
_ADDRESS = re.compile(r"<[^<>]*>|[^\s<>()\[\];,:\"']+@[^\s<>()\[\];,:\"']+")
#: Enough of a server's reply to tell "no such mailbox" from "rejected as spam"; the rest is its boilerplate.
_REPLY_MAX_LENGTH = 160


def _without_addresses(text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = " ".join(_ADDRESS.sub("[address]", text).split())
    return text if len(text) <= _REPLY_MAX_LENGTH else text[: _REPLY_MAX_LENGTH - 1] + "…"


def describe(error: BaseException) -> str:
    """What the log and the row's `last_error` (which coordinators read in the admin) say about a failed send: the
    exception's class and, for a mail server's reply, its code and reason, never an address. `str()` of
    SMTPRecipientsRefused is the dict of refused recipients: it wrote the person's e-mail address into both."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = sorted({f"{code} {_without_addresses(reply)}".strip() for code, reply in error.recipients.values()})
        return f"{name}: {'; '.join(replies)}" if replies else name
    if isinstance(error, smtplib.SMTPResponseException):  # SMTPDataError, SMTPSenderRefused (our own address), …
        return f"{name}: {error.smtp_code} {_without_addresses(error.smtp_error)}".strip()
    text = _without_addresses(str(error))
    return f"{name}: {text}" if text else name


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
