"""Every write to a trainee's goals: their own pages and API, the admin, and progress logged in a session.

Like the profile services, each validates the whole goal before it writes and raises ValidationError with the
offending field named; nothing is written when anything is refused.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import RestrictedError
from django.utils import timezone

from mentorship.errors import Conflict, NotAllowed
from profiles.models import Goal, TraineeProfile, User, trainees_today
from profiles.versions import ensure_version, goal_version

GOAL_FIELDS = ("title", "focus_area", "description", "target_date", "status", "progress")
GOAL_HORIZON = timedelta(days=3653)


def _validate_goal(goal: Goal, *, today: date, date_changed: bool, state_changed: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    try:
        goal.full_clean(exclude=["trainee"])
    except ValidationError as error:
        errors.update(error.message_dict)
    # A goal that is already overdue stays editable; only a newly chosen date must lie ahead.
    if date_changed and goal.target_date is not None and goal.target_date < today:
        errors.setdefault("target_date", []).append("Choose a target date from today on.")
    if date_changed and goal.target_date is not None and goal.target_date > today + GOAL_HORIZON:
        errors.setdefault("target_date", []).append("Choose a target date within ten years.")
    # The status and the progress must tell the same story (a session's progress moves the status the same way).
    # Checked when either changes: a goal saved before this rule keeps its title edits possible.
    progress = goal.progress if isinstance(goal.progress, int) else 0
    if state_changed and goal.status == Goal.Status.NOT_STARTED and progress > 0:
        errors.setdefault("progress", []).append("A goal not started yet is at 0 %: choose “In progress”.")
    if state_changed and goal.status == Goal.Status.ACHIEVED and progress < 100:
        errors.setdefault("progress", []).append("An achieved goal is at 100 %.")
    if errors:
        raise ValidationError(errors)


def _trainee_of(user: User) -> TraineeProfile:
    trainee = TraineeProfile.objects.filter(user=user).first()
    if trainee is None:
        raise Conflict("Create your trainee profile before adding goals.", code="no_trainee_profile")
    return trainee


def goal_check(*, goal: Goal | None, data: Mapping[str, Any], trainee: TraineeProfile | None = None) -> Goal:
    """The rules a new goal (`goal` None, for `trainee`) or a change to `goal` must meet, checked without saving: the
    services call it, and so can a form that shows a refusal next to its field with what was typed. "Today" is the
    trainee's own date (UTC when a new goal's trainee is not given). Returns the goal as it would be saved; raises
    ValidationError (field → messages)."""
    candidate = Goal() if goal is None else copy.copy(goal)  # `goal` itself stays as it is
    for name in GOAL_FIELDS:
        if name in data:
            setattr(candidate, name, data[name])
    old_state = None if goal is None else (goal.status, goal.progress)
    owner = trainee if goal is None else goal.trainee
    _validate_goal(
        candidate,
        today=trainees_today(owner) if owner is not None else timezone.localdate(),
        date_changed=goal is None or candidate.target_date != goal.target_date,
        state_changed=(candidate.status, candidate.progress) != old_state,
    )
    return candidate


@transaction.atomic
def goal_create(*, user: User, data: Mapping[str, Any]) -> Goal:
    """Add a goal to `user`'s own development plan (they must hold a trainee profile)."""
    trainee = _trainee_of(user)
    goal = goal_check(goal=None, data=data, trainee=trainee)
    goal.trainee = trainee
    if (goal.status, goal.progress) != (Goal.Status.NOT_STARTED, 0):  # a goal begun already says how far it is
        goal.progress_set_by_trainee_on = trainees_today(trainee)
        goal.progress_set_by_trainee_at = timezone.now()
    goal.save()
    return goal


@transaction.atomic
def goal_update(
    *, goal: Goal, user: User, data: Mapping[str, Any], expected_versions: Collection[str] | None = None
) -> Goal:
    """Change `user`'s own goal. A change that changes nothing (an empty PATCH, a form sent back as it was) saves
    nothing, so `updated_at` keeps saying when the goal last really changed. `expected_versions`: the versions
    (`goal_version`) the caller read; any other is `ChangedSinceRead`, checked under the row lock."""
    locked = _own_goal_locked(goal, user)
    ensure_version(goal_version(locked), expected_versions, "goal")
    changed = goal_check(goal=locked, data=data)  # a copy of the locked row, changed
    fields = [name for name in GOAL_FIELDS if getattr(changed, name) != getattr(locked, name)]
    if {"status", "progress"} & set(fields):
        changed.progress_set_by_trainee_on = trainees_today(locked.trainee)
        changed.progress_set_by_trainee_at = timezone.now()
        fields += ["progress_set_by_trainee_on", "progress_set_by_trainee_at"]
    if fields:
        changed.save(update_fields=[*fields, "updated_at"])
    return changed


@transaction.atomic
def goal_progress_record(*, goal: Goal, progress: int) -> Goal:
    """Progress reported in a mentoring session (the caller has checked the goal belongs to the mentee, and that
    nothing newer was recorded since the session: the trainee's own change, `progress_set_by_trainee_at`, included).

    Starting work moves a goal to "in progress", reaching 100 % marks it achieved, and progress below 100 % on an
    achieved goal reopens it (status and progress always agree, as the trainee's own edits must); a dropped goal
    keeps its status. Mentors never edit the goal otherwise: its title, dates and deletion stay the trainee's."""
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    locked.progress = max(0, min(100, progress))
    if locked.status == Goal.Status.NOT_STARTED and locked.progress > 0:
        locked.status = Goal.Status.IN_PROGRESS
    if locked.status == Goal.Status.IN_PROGRESS and locked.progress == 100:
        locked.status = Goal.Status.ACHIEVED
    if locked.status == Goal.Status.ACHIEVED and locked.progress < 100:
        locked.status = Goal.Status.IN_PROGRESS
    locked.save(update_fields=["progress", "status", "updated_at"])
    return locked


@transaction.atomic
def goal_delete(*, goal: Goal, user: User, expected_versions: Collection[str] | None = None) -> None:
    locked = _own_goal_locked(goal, user)
    ensure_version(goal_version(locked), expected_versions, "goal")
    try:
        with transaction.atomic():
            locked.delete()
    except RestrictedError:
        # Held by a mentor's session log (meetings.SessionGoal): deleting it would erase what the log recorded.
        raise GoalInSessionLog(
            f"“{locked.title}” stays: a mentor's session log records progress on it, and deleting it would erase "
            "that from the log. Mark it Dropped instead (edit it and set its status)."
        ) from None


class GoalInSessionLog(Conflict):
    code = "goal_in_session_log"


def _own_goal_locked(goal: Goal, user: User) -> Goal:
    # Views already fetch through the owner's queryset (404 otherwise); this guards every other caller.
    locked = Goal.objects.select_for_update().select_related("trainee").get(pk=goal.pk)
    if locked.trainee.user_id != user.pk:
        raise NotAllowed("Only the trainee who owns a goal may change it.")
    return locked
