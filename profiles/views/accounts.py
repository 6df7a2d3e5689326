from __future__ import annotations

import logging
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from mentorship.errors import ApplicationError
from mentorship.redirects import redirect_back
from profiles.access import signed_in_user
from profiles.forms import SignupForm
from profiles.models import User
from profiles.passwords import LimitedPasswordChangeForm
from profiles.selectors import has_a_profile
from profiles.services import sign_up_address_taken_count, user_password_set, user_sign_up
from profiles.services.email_confirmation import (
    SIGNUP_NEXT_STEP,
    email_confirm_by_token,
    email_confirmation_send,
    invited_address,
)

logger = logging.getLogger(__name__)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    # From an invitation e-mail: the address it was sent to is filled in (the form posts back to this URL).
    invited = invited_address(request.GET.get("invited", ""))
    form = SignupForm(request.POST or None, initial={"email": invited} if invited else None)
    network = get_client_ip_address(request) or "unknown"  # as the log-in lockout reads it
    if request.method == "POST" and form.has_error("email", code="email_taken"):
        try:
            sign_up_address_taken_count(network=network)
        except ApplicationError as error:
            del form.errors["email"]  # nothing said about the address
            form.add_error(None, error.message)
            return render(request, "registration/signup.html", {"form": form}, status=error.status)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_up(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                network=network,
                invited=invited,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return render(request, "registration/signup.html", {"form": form}, status=error.status)
        login(request, user, backend="profiles.backends.EmailBackend")
        if user.email_confirmed:
            messages.success(request, f"Welcome! {user.email} is confirmed: your invitation reached you there.")
        else:
            _send_confirmation(request, user)
        # Invited as a mentor: their next step is the mentor profile, not the trainee one the home page offers.
        return redirect(SIGNUP_NEXT_STEP.get(request.GET.get("as", ""), "home") if invited else "home")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def email_confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: a page with a button, which confirms (POST). Mail scanners open every
    link in an e-mail, so opening the link alone must not confirm an address for whoever signed up with it."""
    if request.method != "POST":
        return render(request, "registration/confirm_email.html")  # its form posts back to this very link
    try:
        user = email_confirm_by_token(token=token)
    except ApplicationError as error:
        return render(request, "registration/confirm_email_done.html", {"error": error.message}, status=400)
    if request.user.pk == user.pk:  # this very page should no longer ask the signed-in person to confirm
        request.user.email_confirmed_at = user.email_confirmed_at  # type: ignore[union-attr]
    # Someone who has no profile yet goes on to make one: "Go to my profile" cost them a page to find that button.
    no_profile = request.user.pk == user.pk and not has_a_profile(user=user)
    return render(request, "registration/confirm_email_done.html", {"confirmed": user, "no_profile": no_profile})


@login_required
def email_confirmation_request(request: HttpRequest) -> HttpResponse:
    """ "Send the link again", from the reminder on every page; back to the page it was pressed on. Opened by GET
    (the log-in page sends someone back here after their session ran out), it sends nothing and shows the profile,
    where the reminder and its button are, instead of a bare 405."""
    if request.method != "POST":
        return redirect("profiles-me")
    _send_confirmation(request, signed_in_user(request))
    return redirect_back(request, default="profiles-me")


def _send_confirmation(request: HttpRequest, user: User) -> None:
    """The link, after the account is made: whatever goes wrong here (the mail server, the cache that counts the
    links) must not turn the sign-up, already saved, into an error page that makes the person sign up again and be
    told the account exists."""
    try:
        email_confirmation_send(user=user)
    except ApplicationError as error:
        messages.error(request, error.message)
    except Exception:
        logger.exception("The confirmation link for user %s failed after sign-up", user.pk)
        messages.error(
            request,
            "Your account is made, but we could not send the confirmation link just now: press Send the link "
            "again, at the top of the page, in a few minutes.",
        )
    else:
        messages.success(request, f"We sent a link to {user.email}: open it to confirm that the address is yours.")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view, with the new password set by `user_password_set`: a reset link reached its owner through the
    address, which confirms the address too, and the API token is revoked (one taken with the old password must stop
    working with it)."""

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        user = user_password_set(user=form.user, password=form.cleaned_data["new_password1"], by_reset_link=True)
        # The rest of Django's form_valid, not called: it would save the password through the form once more.
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        if self.post_reset_login:
            login(self.request, user, self.post_reset_login_backend)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """The same page whether or not a link went out; it states the hourly limit, which holds for every address."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "per_hour": settings.PASSWORD_RESET_EMAILS_PER_HOUR}


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password while signed in (the current one is asked for). This session stays signed in and every
    other one ends, and `user_password_set` revokes the API token: someone who fears their password is known ends
    the intruder's sessions too, including a token they swapped the password for."""

    form_class = LimitedPasswordChangeForm
    success_url = reverse_lazy("profiles-me")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user_password_set(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)  # this session stays signed in, every other one ends
        messages.success(
            self.request, "Your password is changed. Your other sessions and your API token are signed out."
        )
        # Not Django's form_valid: it would save the password through the form once more.
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
