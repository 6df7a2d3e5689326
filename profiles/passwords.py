"""Passwords: Django's reset and change forms, with the limits their pages lacked.

Reset: anyone can type anyone's address into the form, and every press used to send an e-mail: a script could bury
a colleague's inbox under reset links from our domain. Past the limit the form sends nothing more and answers as it
always does, so the page still tells nobody whether an address has an account.

Reset e-mails go out from the worker, not the request: sent before answering, and only for an account, the mail
server's time made "this address has an account" measurable in the answer's speed. With the task queue down the
e-mail is sent at once instead (logged): a link that arrives beats a server error shown for real accounts only.

Change: it asks for the current password, which `authenticate()` (and so the log-in lockout) never sees; someone
at a session left open could otherwise try passwords there without end. Wrong tries are counted as log-ins are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from profiles.counting import count_in_window
from profiles.models import User

logger = logging.getLogger(__name__)


#: Reset e-mails to one account are counted over this window, which starts with the first of them.
RESET_WINDOW_SECONDS = 3600


def password_reset_link_allowed(*, user: User) -> bool:
    """Count one reset e-mail to `user`; False once `PASSWORD_RESET_EMAILS_PER_HOUR` went out in the hour that
    began with the first (concurrent presses are counted one by one, so none slips past the limit)."""
    sent = count_in_window(f"password-reset-emails:{user.pk}", RESET_WINDOW_SECONDS)
    return sent <= settings.PASSWORD_RESET_EMAILS_PER_HOUR


class LimitedPasswordResetForm(PasswordResetForm):
    def get_users(self, email: str) -> Iterator[User]:  # type: ignore[override]
        for user in super().get_users(email):
            if password_reset_link_allowed(user=user):
                yield user

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queue the e-mail; the worker makes the link (ids in the queue, never a token or an address)."""
        from profiles.tasks import send_password_reset

        user_id, domain, use_https = context["user"].pk, context["domain"], context["protocol"] == "https"
        try:
            send_password_reset.delay(user_id, domain, use_https)
        except Exception:  # kombu's OperationalError, a refused connection, a full Redis, …
            logger.exception("Password reset for user %s could not be queued; sending it now", user_id)
            password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)


def password_reset_email_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    """E-mail the account its reset link, made now; False (nothing sent) for an account deactivated or without a
    usable password since it was asked for. `domain`: the host the form was sent to (ALLOWED_HOSTS checked it)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    PasswordResetForm().send_mail(  # Django's own sending (it logs, rather than raises, a mail server's refusal)
        "registration/password_reset_subject.txt", "registration/password_reset_email.html", context, None, user.email
    )
    return True


def _failures_key(user: User) -> str:
    return f"password-change-failures:{user.pk}"


class LimitedPasswordChangeForm(PasswordChangeForm):
    """After AXES_FAILURE_LIMIT wrong current passwords, refuse every try (the right one too) for the cool-off."""

    def clean_old_password(self) -> Any:
        key, cooloff = _failures_key(self.user), int(settings.AXES_COOLOFF_TIME.total_seconds())
        if (cache.get(key) or 0) >= settings.AXES_FAILURE_LIMIT:
            minutes = cooloff // 60
            raise ValidationError(
                f"Too many wrong passwords: try again in {minutes} minutes, or reset your password by e-mail.",
                code="password_change_locked",
            )
        try:
            old = super().clean_old_password()
        except ValidationError:
            count_in_window(key, cooloff)
            raise
        cache.delete(key)
        return old
