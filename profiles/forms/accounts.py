from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, UsernameField

from profiles.models import User
from profiles.names import validate_person_name
from profiles.sign_in import refusal_for

# The longest e-mail address there is (RFC 5321), and the size of User.email. A longer one is refused by the field,
# before authenticate(): django-axes would record the failure in a varchar(255) (a 500 on PostgreSQL). Django's
# AuthenticationForm only sets the input's maxlength attribute, which nothing checks on the server.
EMAIL_MAX_LENGTH = 254


class _NetworkRationed:
    """Says so plainly when the network has used up its failed sign-ins this hour (profiles.sign_in), instead of
    "wrong e-mail or password" for the right one."""

    request: Any

    def clean(self) -> dict[str, Any]:
        refusal = refusal_for(self.request)
        if refusal is not None:
            raise forms.ValidationError(refusal, code="network_locked_out")
        return super().clean()  # type: ignore[misc]


class EmailAuthenticationForm(_NetworkRationed, AuthenticationForm):
    username = forms.EmailField(
        label="E-mail",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    # Django's wording says both fields "may be case-sensitive"; the e-mail is not (profiles.backends).
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct e-mail and password. "
        "The password is case-sensitive; the e-mail is not.",
    }


class AdminEmailAuthenticationForm(_NetworkRationed, AdminAuthenticationForm):
    """The admin's log-in (staff only), with the same honest wording about case."""

    username = UsernameField(max_length=EMAIL_MAX_LENGTH, widget=forms.TextInput(attrs={"autofocus": True}))
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Please enter the correct e-mail and password for a staff account. "
        "The password is case-sensitive; the e-mail is not.",
    }


class SignupForm(forms.Form):
    full_name = forms.CharField(
        max_length=150, validators=[validate_person_name], widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="E-mail", max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password and not like your name or e-mail.",
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail already exists. Log in or reset your password.", code="email_taken"
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
