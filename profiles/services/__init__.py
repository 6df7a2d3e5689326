"""Every write to people, profiles, goals, e-mail confirmation, passwords and API tokens, one module per concept.

The names other code imports are re-exported here (`from profiles.services import goal_create`).
"""

from profiles.services.deactivation import deactivation_effect_register, user_deactivate
from profiles.services.goals import (
    GOAL_FIELDS,
    GOAL_HORIZON,
    goal_check,
    goal_create,
    goal_delete,
    goal_progress_record,
    goal_update,
)
from profiles.services.passwords import PasswordInvalid, user_password_set
from profiles.services.people import (
    MENTOR_FIELDS,
    MENTOR_M2M,
    TRAINEE_FIELDS,
    TRAINEE_M2M,
    ProfileSectionInvalid,
    TooManySignUps,
    mentor_profile_save,
    person_update,
    sign_up_address_taken_count,
    trainee_profile_save,
    user_sign_up,
    user_update,
)
from profiles.services.tokens import token_issue, token_revoke

__all__ = [
    "GOAL_FIELDS",
    "GOAL_HORIZON",
    "MENTOR_FIELDS",
    "MENTOR_M2M",
    "TRAINEE_FIELDS",
    "TRAINEE_M2M",
    "PasswordInvalid",
    "ProfileSectionInvalid",
    "TooManySignUps",
    "deactivation_effect_register",
    "goal_check",
    "goal_create",
    "goal_delete",
    "goal_progress_record",
    "goal_update",
    "mentor_profile_save",
    "person_update",
    "sign_up_address_taken_count",
    "token_issue",
    "token_revoke",
    "trainee_profile_save",
    "user_deactivate",
    "user_password_set",
    "user_sign_up",
    "user_update",
]
