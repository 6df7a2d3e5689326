"""Forms: accounts (sign-up, log-in), the two profiles, goals. Forms check shape; services decide what is allowed."""

from profiles.forms.accounts import EmailAuthenticationForm, SignupForm
from profiles.forms.goals import GoalForm
from profiles.forms.profile import MentorProfileForm, TraineeProfileForm

__all__ = [
    "EmailAuthenticationForm",
    "GoalForm",
    "MentorProfileForm",
    "SignupForm",
    "TraineeProfileForm",
]
