"""The meetings API: meetings (with actions and .ics), session logs and my feedback, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from meetings.api.views import FeedbackViewSet, MeetingViewSet, SessionLogViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("session-logs", SessionLogViewSet, basename="session-log")
router.register("feedback", FeedbackViewSet, basename="feedback")
urlpatterns = router.urls
