"""Password reset by e-mail: Django's form and tokens, with a limit on the links one account is sent.

Anyone can type anyone's address into the reset form, and every press used to send an e-mail: a script could bury
a colleague's inbox under reset links from our domain. Past the limit the form sends nothing more and answers as it
always does, so the page still tells nobody whether an address has an account.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.utils import timezone

from profiles.models import User


def password_reset_link_allowed(*, user: User) -> bool:
    """Count one reset e-mail to `user`; False once `PASSWORD_RESET_EMAILS_PER_HOUR` went out this clock hour.

    A fixed window counted with the cache's atomic add and incr (as the sign-up limit is), so concurrent presses
    cannot slip past it; at worst twice the limit goes out across the turn of an hour."""
    hour = int(timezone.now().timestamp() // 3600)
    key = f"password-reset-emails:{user.pk}:{hour}"
    cache.add(key, 0, timeout=2 * 3600)
    return cache.incr(key) <= settings.PASSWORD_RESET_EMAILS_PER_HOUR


class LimitedPasswordResetForm(PasswordResetForm):
    def get_users(self, email: str) -> Iterator[User]:  # type: ignore[override]
        for user in super().get_users(email):
            if password_reset_link_allowed(user=user):
                yield user
