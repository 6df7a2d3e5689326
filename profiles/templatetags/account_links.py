"""Links to account pages for templates that cannot call Python (e-mails rendered by the outbox)."""

from __future__ import annotations

from django import template

from profiles.email_confirmation import signup_path

register = template.Library()


@register.simple_tag
def signup_path_for(address: str) -> str:
    """`{% signup_path_for invitation.email %}`: the sign-up page that fills in, and confirms, that address."""
    return signup_path(address)
