"""The meetings API: meetings (with actions and .ics), session logs (and the goals a match's logs may name) and my
feedback, under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from meetings.api.views import FeedbackViewSet, MatchGoalListAPI, MeetingViewSet, SessionLogViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("session-logs", SessionLogViewSet, basename="session-log")
router.register("feedback", FeedbackViewSet, basename="feedback")
urlpatterns = [
    # Under matching's /matches/ (this app sits above it): the goals a session log of the match may name.
    path("matches/<int:match_id>/goals/", MatchGoalListAPI.as_view(), name="match-goal-list"),
    *router.urls,
]
