"""Confirming that a person owns their account's e-mail address (services; the pages and the API call these).

Signing up proves nothing about the address, yet coordinators enrol people by address and invitations wait for
whoever signs up with one. So an address is trusted for those only once its owner opened a link sent to it: the
link e-mailed at sign-up (or asked for again), or a password-reset link, which proves the same.

The link carries a signed, timestamped token naming the account and the address it was sent to: no table, and
a link sent to an address the account no longer has confirms nothing. Sending goes straight to the mail server,
as Django's password reset does (profiles sits below the notifications outbox); when that fails the person is
told and can ask again, and the account is unaffected.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from mentorship.errors import ApplicationError
from profiles.counting import count_in_window
from profiles.models import User

logger = logging.getLogger(__name__)

_SALT = "profiles.email-confirmation"
_SIGNUP_SALT = "profiles.invited-sign-up"
LINK_VALID_DAYS = 7
SIGNUP_LINK_VALID_DAYS = 90  # an invitation may wait in an inbox until term starts
RESEND_AFTER_SECONDS = 60  # one e-mail a minute per account ...
DAILY_LIMIT = 5  # ... and a few a day, so the button cannot be used to flood an inbox


class ConfirmationLinkInvalid(ApplicationError):
    code = "confirmation_link_invalid"


class ConfirmationLinkExpired(ApplicationError):
    code = "confirmation_link_expired"


class ConfirmationSentRecently(ApplicationError):
    code = "confirmation_sent_recently"
    status = 429


class ConfirmationNotSent(ApplicationError):
    code = "confirmation_not_sent"
    status = 503


def confirmation_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=_SALT, compress=True)


def confirmation_url(user: User) -> str:
    return settings.SITE_URL + reverse("profiles-email-confirm", args=[confirmation_token(user)])


def email_confirmation_send(*, user: User) -> None:
    """E-mail `user` a link that confirms their address. Refused for a confirmed address, within a minute of
    the last one, after DAILY_LIMIT in a day (the button must not make the site a mailer aimed at someone
    else's inbox), or when the mail server does not take it (then it may be asked for again at once)."""
    if user.email_confirmed:
        raise ApplicationError(f"{user.email} is confirmed already.", code="email_already_confirmed")
    minute_key, day_key = f"email-confirmation-sent:{user.pk}", f"email-confirmations-today:{user.pk}"
    if not cache.add(minute_key, True, timeout=RESEND_AFTER_SECONDS):
        raise ConfirmationSentRecently(
            f"A confirmation link went to {user.email} less than a minute ago. Check your inbox and spam folder, "
            "or ask again in a minute."
        )
    if count_in_window(day_key, 24 * 3600) > DAILY_LIMIT:
        raise ConfirmationSentRecently(
            f"{DAILY_LIMIT} confirmation links went to {user.email} today. Check that the address is right "
            "(a coordinator can correct it), or ask again tomorrow."
        )
    # No text the person typed goes into the e-mail: the address may not be theirs.
    context = {"url": confirmation_url(user), "email": user.email, "valid_days": LINK_VALID_DAYS}
    subject = render_to_string("registration/confirm_email_subject.txt", context).strip()
    body = render_to_string("registration/confirm_email.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:  # smtplib's errors are OSErrors, as are refused connections and timeouts
        cache.delete(minute_key)
        cache.decr(day_key)
        logger.exception("The confirmation e-mail to user %s was not sent", user.pk)
        raise ConfirmationNotSent(
            "We could not send the confirmation e-mail just now. Please ask for it again in a few minutes."
        ) from None


@transaction.atomic
def email_confirm(*, user: User, address: str) -> User:
    """Record that `user` owns `address`: a link sent to it was opened. Only while the account still has that
    address, so an address changed meanwhile is never confirmed by an older link; the first time counts."""
    User.objects.filter(pk=user.pk, email=address, email_confirmed_at__isnull=True).update(
        email_confirmed_at=timezone.now()
    )
    user.refresh_from_db(fields=["email", "email_confirmed_at"])
    return user


def email_confirmation_before_save(*, user: User) -> bool:
    """For a coordinator's edit of `user` (the admin), just before it is saved: keep the stored confirmation when
    the address is unchanged, clear it when it is new (whoever typed it has not shown that the person owns it).
    Locks the row until the caller's transaction ends, so a link opened meanwhile is not overwritten. True when
    the address still needs confirming."""
    stored = User.objects.select_for_update().filter(pk=user.pk).values_list("email", "email_confirmed_at").first()
    if stored is None:  # a new account
        return user.email_confirmed_at is None
    same_address = User.objects.normalize_email(stored[0]) == User.objects.normalize_email(user.email)
    user.email_confirmed_at = stored[1] if same_address else None
    return user.email_confirmed_at is None and not same_address


#: Where someone invited as a mentor or a trainee goes right after signing up: the profile of that role.
SIGNUP_NEXT_STEP = {"mentor": "profiles-mentor-edit", "trainee": "profiles-trainee-edit"}


def signup_path(address: str, role: str = "") -> str:
    """The sign-up page for someone invited at `address` (an invitation e-mail's link). Signing up from it with
    that address confirms it at once: the link could only be read by whoever reads that inbox. With the `role`
    they were invited as, the next page is that role's profile (a mentor is not first asked for a trainee's)."""
    token = signing.dumps(User.objects.normalize_email(address), salt=_SIGNUP_SALT)
    query = {"invited": token, **({"as": role} if role in SIGNUP_NEXT_STEP else {})}
    return f"{reverse('profiles-signup')}?{urlencode(query)}"


def invited_address(token: str) -> str | None:
    """The address an invitation's sign-up link was sent to; None for no, a tampered or an expired link."""
    try:
        address = signing.loads(token, salt=_SIGNUP_SALT, max_age=SIGNUP_LINK_VALID_DAYS * 24 * 3600)
    except signing.BadSignature:  # SignatureExpired included: then it is an ordinary sign-up
        return None
    return address if isinstance(address, str) else None


def email_confirm_by_token(*, token: str) -> User:
    """Confirm the address a link was sent to. A link works any number of times within its week; it confirms
    nothing once the account's address changed or the account was deactivated."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=LINK_VALID_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise ConfirmationLinkExpired(
            f"This confirmation link is more than {LINK_VALID_DAYS} days old. Log in and ask for a new one."
        ) from None
    except signing.BadSignature:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("email"), str) or not payload.get("user"):
        raise ConfirmationLinkInvalid("This confirmation link is not valid. Check that it was copied whole.")
    address = payload["email"]
    user = User.objects.filter(pk=payload["user"], is_active=True).first()
    if user is not None:
        user = email_confirm(user=user, address=address)
    if user is None or user.email != address:
        raise ConfirmationLinkInvalid(
            "This confirmation link is for an address the account no longer has. Log in and ask for a new one."
        )
    return user
