from django.urls import URLPattern, URLResolver, path

from meetings.views import meetings, sessions

urlpatterns: list[URLPattern | URLResolver] = [
    path("meetings/", meetings.meeting_list, name="meetings-list"),
    path("meetings/new/<int:match_id>/", meetings.meeting_propose, name="meetings-propose"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meetings-detail"),
    path("meetings/<int:pk>/accept", meetings.meeting_accept, name="meetings-accept"),
    path("meetings/<int:pk>/suggest", meetings.meeting_suggest, name="meetings-suggest"),
    path("meetings/<int:pk>/reschedule", meetings.meeting_reschedule, name="meetings-reschedule"),
    path("meetings/<int:pk>/cancel", meetings.meeting_cancel, name="meetings-cancel"),
    path("meetings/<int:pk>/ics", meetings.meeting_ics, name="meetings-ics"),
    path("meetings/<int:pk>/feedback", sessions.feedback, name="meetings-feedback"),
    path("meetings/match/<int:match_id>/", sessions.match_page, name="meetings-match"),
    path("meetings/match/<int:match_id>/log/", sessions.session_log_create, name="meetings-log-create"),
    path("meetings/match/<int:match_id>/checkin/<int:period>/", sessions.checkin, name="meetings-checkin"),
    path("meetings/logs/<int:pk>/edit/", sessions.session_log_edit, name="meetings-log-edit"),
    path("meetings/feedback-summary/", sessions.feedback_summary, name="meetings-feedback-summary"),
]
