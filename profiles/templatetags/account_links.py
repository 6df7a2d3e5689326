"""Links to account pages for templates that cannot call Python (e-mails rendered by the outbox)."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from profiles.services.email_confirmation import signup_path

register = template.Library()


@register.simple_tag
def signup_path_for(address: str, role: str = "") -> str:
    """`{% signup_path_for invitation.email invitation.role %}`: the sign-up page that fills in, and confirms, that
    address, then opens the profile of that role. Not HTML-escaped here: it is a path whose query `urlencode`
    built (nothing in it but `&` and `=` to separate), and the link must keep its `&` in the plain-text part; the
    HTML part escapes it where it is used."""
    return mark_safe(signup_path(address, role))  # noqa: S308
