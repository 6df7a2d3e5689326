"""The profiles API (/api/v1/...): reference data, my account and profiles, my goals."""

from django.urls import path

from profiles.api import data_export, email_confirmation, goals, me, reference

urlpatterns = [
    path("specialties/", reference.SpecialtyList.as_view(), name="api-specialties"),
    path("career-stages/", reference.CareerStageList.as_view(), name="api-career-stages"),
    path("focus-areas/", reference.FocusAreaList.as_view(), name="api-focus-areas"),
    path("languages/", reference.LanguageList.as_view(), name="api-languages"),
    path("me/", me.MeView.as_view(), name="api-me"),
    path("me/data/", data_export.MyDataView.as_view(), name="api-me-data"),
    path(
        "me/email-confirmation/",
        email_confirmation.ConfirmationRequestView.as_view(),
        name="api-me-email-confirmation",
    ),
    path("email-confirmation/", email_confirmation.ConfirmView.as_view(), name="api-email-confirmation"),
    path("goals/", goals.GoalList.as_view(), name="api-goals"),
    path("goals/<int:pk>/", goals.GoalDetail.as_view(), name="api-goal"),
]
