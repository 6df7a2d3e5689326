"""Cache invalidation for the mentor arrays.

This is infrastructure, not a business rule: whatever writes a mentor profile, its many-to-many fields, a match
or the taxonomy (the profiles engineer's services, the admin, coordinators' decisions, a shell), the cached
arrays must not outlive it. A receiver is the one place that sees all of those writers, so the services that
own them need not know about the cache. Connected in `MatchingConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from matching.features.cache import invalidate_mentor_features
from matching.models import Match
from profiles.models import FocusArea, Language, MentorProfile, Specialty


def invalidate_now_and_after_commit() -> None:
    # Now: this process (and a test inside one transaction) sees the change at once. After commit: a page
    # rendered by another process while the transaction was open may have cached the old rows under the new
    # version; the second bump throws that copy away.
    invalidate_mentor_features()
    transaction.on_commit(invalidate_mentor_features)


def _on_change(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the command's caller invalidates once at the end
    invalidate_now_and_after_commit()


def _on_m2m(sender: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate_now_and_after_commit()


_MODELS = (MentorProfile, Match, Specialty, FocusArea, Language)
_THROUGH = (
    MentorProfile.subspecialties.through,
    MentorProfile.focus_areas.through,
    MentorProfile.languages.through,
)


def connect() -> None:
    for model in _MODELS:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"mentor-features-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"mentor-features-delete-{model.__name__}")
    for through in _THROUGH:
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"mentor-features-m2m-{through.__name__}")
