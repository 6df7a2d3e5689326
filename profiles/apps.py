from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What the Coordinators group may do in the admin, per app: {app label: {model name or "*": actions}}.
# Permissions only (never a user's rights): superusers manage staff accounts and this group itself.
COORDINATOR_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "profiles": {
        "user": ("view", "change"),
        "mentorprofile": ("view", "change"),
        "traineeprofile": ("view", "change"),
        "goal": ("view", "change"),
        "specialty": ("view", "change", "add"),
        "focusarea": ("view", "change", "add"),
        "language": ("view", "change", "add"),
    },
    "matching": {
        "program": ("view", "change"),
        "match": ("view", "change"),
        "matchinground": ("view", "change"),
        "shortlistentry": ("view", "change"),
    },
    "notifications": {"notification": ("view",)},
    "meetings": {"*": ("view",)},
}


def grant_coordinator_permissions(sender: AppConfig, apps: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Give the Coordinators group its admin permissions for the app just migrated. Idempotent.

    Runs after django.contrib.auth's own post_migrate handler (auth is installed first), so the app's
    permissions exist by the time this runs for that app.
    """
    wanted = COORDINATOR_PERMISSIONS.get(sender.label)
    if wanted is None or apps is None:
        return
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    group, _ = group_model.objects.using(using).get_or_create(name="Coordinators")
    codenames = []
    for model in sender.get_models():
        model_name = str(model._meta.model_name)
        actions = wanted.get(model_name) or wanted.get("*") or ()
        codenames += [f"{action}_{model_name}" for action in actions]
    permissions = permission_model.objects.using(using).filter(
        content_type__app_label=sender.label, codename__in=codenames
    )
    group.permissions.add(*permissions)


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People and profiles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from profiles.data_export.sections import register_export_sections
        from profiles.sign_in import failure_record

        # The account, profiles and goals come first in a person's data export; the apps above add theirs.
        register_export_sections()
        post_migrate.connect(grant_coordinator_permissions, dispatch_uid="profiles.grant_coordinator_permissions")
        user_login_failed.connect(failure_record, dispatch_uid="profiles.sign_in.failure_record")
