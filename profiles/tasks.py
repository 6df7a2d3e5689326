"""Celery tasks of the profiles app: thin, ids in, a service does the work."""

from __future__ import annotations

from celery import shared_task

from profiles.passwords import password_reset_email_send


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_password_reset(user_id: int, domain: str, use_https: bool) -> bool:
    """E-mail a reset link asked for on the form. A redelivered message sends a second, equally valid link."""
    return password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)
