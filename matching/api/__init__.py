"""The matching API (/api/v1/...): the directory side (mentors, shortlist, requests) and the coordinators' side
(match decisions, rounds, enrolment), each in its own module."""

from matching.api import coordination, directory, enrolment

urlpatterns = [*directory.urlpatterns, *coordination.urlpatterns, *enrolment.urlpatterns]
