"""The home page: the next step for whoever signs in. It draws on every app (a trainee's and a mentor's profile,
a coordinator's programs, the meetings waiting on someone), so it lives in the project layer, which may import
them all; no app below imports another above it for it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from matching.selectors import active_matches_for, undecided_for
from matching.templatetags.coordination import programs_waiting_first
from meetings.selectors import to_do_for
from profiles.models import User
from profiles.selectors import mentor_profile_of, trainee_profile_of


def home(request: HttpRequest) -> HttpResponse:
    """A newcomer is walked to a profile; a trainee or mentor sees what waits on them; a coordinator, what
    waits in each of their programs. Anonymous visitors get the sign-up page's pitch."""
    context: dict[str, object] = {}
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        trainee, mentor = trainee_profile_of(user=user), mentor_profile_of(user=user)
        context = {
            "trainee": trainee,
            "mentor": mentor,
            "programs": (shown := programs_waiting_first(user=user)).programs,
            "more_programs": shown.more,
            "todo": to_do_for(user=user) if trainee or mentor else None,
            "waiting": undecided_for(trainee=trainee) if trainee else [],
            # A trainee with a mentor is led to the mentorship (meetings to plan) rather than to the directory.
            "mentorships": active_matches_for(trainee=trainee) if trainee else [],
        }
    return render(request, "home.html", context)
