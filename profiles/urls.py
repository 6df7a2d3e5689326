from django.contrib.auth import views as auth_views
from django.urls import path

from profiles.forms import EmailAuthenticationForm
from profiles.passwords import LimitedPasswordResetForm
from profiles.views import accounts, data_export, goals, me

urlpatterns = [
    path("signup/", accounts.signup, name="profiles-signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail: Django's views and tokens, our templates (templates/registration/).
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=LimitedPasswordResetForm),
        name="password_reset",
    ),
    path("password-reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("confirm-email/<str:token>/", accounts.email_confirm_link, name="profiles-email-confirm"),
    path("me/confirm-email/", accounts.email_confirmation_request, name="profiles-email-confirmation-request"),
    path("me/", me.me, name="profiles-me"),
    path("me/data/", data_export.my_data, name="profiles-my-data"),
    path("me/password/", accounts.PasswordChangeView.as_view(), name="profiles-password-change"),
    path("me/trainee/", me.trainee_edit, name="profiles-trainee-edit"),
    path("me/mentor/", me.mentor_edit, name="profiles-mentor-edit"),
    path("me/goals/", goals.goal_list, name="profiles-goals"),
    path("me/goals/new/", goals.goal_add, name="profiles-goal-add"),
    path("me/goals/<int:pk>/edit/", goals.goal_edit, name="profiles-goal-edit"),
    path("me/goals/<int:pk>/delete/", goals.goal_remove, name="profiles-goal-delete"),
]
