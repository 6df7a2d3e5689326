from django.urls import URLPattern, URLResolver

# Pages for trainees and mentors (directory, shortlist, requests, my mentorship). Coordinators use the admin.
urlpatterns: list[URLPattern | URLResolver] = []
