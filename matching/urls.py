from django.urls import URLPattern, URLResolver, path

from matching.views import directory, mentorship, requests

# Pages for trainees and mentors (directory, shortlist, requests, my mentorship). Coordinators use the admin.
urlpatterns: list[URLPattern | URLResolver] = [
    path("mentors/", directory.mentors_directory, name="matching-directory"),
    path("mentors/<int:mentor_id>/", directory.mentors_detail, name="matching-mentor"),
    path("mentors/<int:mentor_id>/request/", requests.request_create, name="matching-request-create"),
    path("mentors/<int:mentor_id>/star/", requests.shortlist_star, name="matching-shortlist-add"),
    path("mentors/<int:mentor_id>/unstar/", requests.shortlist_unstar, name="matching-shortlist-remove"),
    path("mentors/shortlist/", requests.shortlist, name="matching-shortlist"),
    path("mentors/requests/", requests.my_requests, name="matching-requests"),
    path("mentors/requests/<int:match_id>/cancel/", requests.request_cancel, name="matching-request-cancel"),
    path("mentorship/", mentorship.my_mentorship_page, name="matching-my-mentorship"),
    path("mentorship/mentees/", mentorship.my_mentees, name="matching-my-mentees"),
    path("mentorship/mentees/accepting/", mentorship.mentor_accepting, name="matching-mentor-accepting"),
]
